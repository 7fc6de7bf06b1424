// System calls and flags that Swift's Glibc module does not import, in swift-nio's CNIOLinux
// style: each one a prefixed C function or a named constant, defined in shim.c (compiled with
// _GNU_SOURCE, which the macros need). Imported by TLSystem only.
#ifndef CTLSYSTEM_H
#define CTLSYSTEM_H

#include <stddef.h>

// renameat2(2) flag: swap the two names atomically (both must exist). 0 where there is none.
extern const unsigned int CTLSystem_RENAME_EXCHANGE;
// open(2) flag: an unnamed file in the given directory, linked in later. 0 where there is none.
extern const int CTLSystem_O_TMPFILE;
// linkat(2) flag: link the file the descriptor refers to (an empty path). 0 where there is none.
extern const int CTLSystem_AT_EMPTY_PATH;
// madvise(2) advice: back the range with transparent huge pages. -1 where there is none.
extern const int CTLSystem_MADV_HUGEPAGE;

// renameat2(2) through syscall(SYS_renameat2, …): glibc before 2.28 has no wrapper. Returns -1
// with errno ENOSYS where the system has no such call, as the kernel does before Linux 3.15.
int CTLSystem_renameat2(
    int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

// madvise(address, length, MADV_HUGEPAGE): a hint; -1 with errno ENOSYS where there is none.
int CTLSystem_madvise_hugepage(void *address, size_t length);

// madvise(address, length, MADV_NOHUGEPAGE): 4 KiB pages even where transparent huge pages are
// "always"; -1 with errno ENOSYS where there is no such advice.
int CTLSystem_madvise_no_hugepage(void *address, size_t length);

// Reads one byte of every 4 KiB of [address, address + length) (volatile reads, which no
// compiler may drop): memory that a system call could not read (EFAULT) faults here instead,
// in user space, where a signal handler can say why (a mapped file truncated meanwhile).
void CTLSystem_read_every_page(const void *address, size_t length);

// The CPUs in this process's affinity mask (sched_getaffinity, CPU_COUNT_S, both macros or
// glibc extensions), or 0 when the system does not say.
long CTLSystem_affinity_cpu_count(void);

// The CPU the calling thread runs on (sched_getcpu), or -1 where the system does not say.
int CTLSystem_current_cpu(void);

// Opens a placement scope on the calling thread; only the outermost of nested scopes changes
// its affinity. With `pin` ≥ 0 the thread is held to that CPU, else with `avoid` ≥ 0 it is
// kept off that CPU; either within the process's mask as first read (by the first scope any
// thread opens), and only when that mask holds the CPU and at least one other. Returns 1 when
// this scope changed the affinity, 0 when it left it alone, -1 with errno on failure.
int CTLSystem_placement_enter(int pin, int avoid);

// Closes the calling thread's innermost placement scope; the outermost puts the process's mask
// back when its scope changed the affinity.
void CTLSystem_placement_leave(void);

// The CPU the calling thread's placement scopes hold it to, or -1 when they hold it to none.
int CTLSystem_placement_held_cpu(void);

// Once per thread, outside placement scopes: puts the process's mask back on a thread that
// started with a narrower one (a thread created by a caller a scope held to one CPU inherits
// that CPU). Later calls on the same thread cost a thread-local read.
void CTLSystem_placement_settle(void);

// The CPUs in the process's mask as the placement scopes read it once (the first call of any of
// them, this one included, reads it): the same count on every thread, inside a scope or not; 0
// when the system does not say.
long CTLSystem_process_cpu_count(void);

#endif
