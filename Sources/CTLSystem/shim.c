// The definitions behind include/CTLSystem.h. _GNU_SOURCE brings renameat2's flags, O_TMPFILE,
// AT_EMPTY_PATH, MADV_HUGEPAGE and the CPU_*_S macros into the system headers.
#define _GNU_SOURCE
#include "CTLSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#endif

#ifdef RENAME_EXCHANGE
const unsigned int CTLSystem_RENAME_EXCHANGE = RENAME_EXCHANGE;
#else
const unsigned int CTLSystem_RENAME_EXCHANGE = 0;
#endif

#ifdef O_TMPFILE
const int CTLSystem_O_TMPFILE = O_TMPFILE;
#else
const int CTLSystem_O_TMPFILE = 0;
#endif

#ifdef AT_EMPTY_PATH
const int CTLSystem_AT_EMPTY_PATH = AT_EMPTY_PATH;
#else
const int CTLSystem_AT_EMPTY_PATH = 0;
#endif

#ifdef MADV_HUGEPAGE
const int CTLSystem_MADV_HUGEPAGE = MADV_HUGEPAGE;
#else
const int CTLSystem_MADV_HUGEPAGE = -1;
#endif

int CTLSystem_renameat2(
    int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
#if defined(__linux__) && defined(SYS_renameat2)
  return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
#else
  (void)olddirfd, (void)oldpath, (void)newdirfd, (void)newpath, (void)flags;
  errno = ENOSYS;
  return -1;
#endif
}

int CTLSystem_madvise_hugepage(void *address, size_t length) {
#ifdef MADV_HUGEPAGE
  return madvise(address, length, MADV_HUGEPAGE);
#else
  (void)address, (void)length;
  errno = ENOSYS;
  return -1;
#endif
}

int CTLSystem_madvise_no_hugepage(void *address, size_t length) {
#ifdef MADV_NOHUGEPAGE
  return madvise(address, length, MADV_NOHUGEPAGE);
#else
  (void)address, (void)length;
  errno = ENOSYS;
  return -1;
#endif
}

#ifdef __linux__
// The calling thread's affinity mask in a new set (CPU_FREE it), its size in `size`; NULL when
// the system does not say. The mask's size is the kernel's, not CPU_SETSIZE: grow until the
// call accepts it.
static cpu_set_t *affinity_mask(size_t *size) {
  for (int cpus = 1024; cpus <= (1 << 20); cpus *= 2) {
    cpu_set_t *set = CPU_ALLOC(cpus);
    if (set == NULL) return NULL;
    *size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(*size, set);
    if (sched_getaffinity(0, *size, set) == 0) return set;
    CPU_FREE(set);
    if (errno != EINVAL) return NULL;
  }
  return NULL;
}
#endif

long CTLSystem_affinity_cpu_count(void) {
#ifdef __linux__
  size_t size = 0;
  cpu_set_t *set = affinity_mask(&size);
  if (set == NULL) return 0;
  long count = CPU_COUNT_S(size, set);
  CPU_FREE(set);
  return count;
#else
  return 0;
#endif
}

void CTLSystem_read_every_page(const void *address, size_t length) {
  const volatile unsigned char *bytes = (const volatile unsigned char *)address;
  for (size_t offset = 0; offset < length; offset += 4096) (void)bytes[offset];
  if (length > 0) (void)bytes[length - 1];
}

int CTLSystem_current_cpu(void) {
#ifdef __linux__
  return sched_getcpu();
#else
  return -1;
#endif
}

#ifdef __linux__
// The process's mask as the first placement scope found it, and each thread's scope state.
static cpu_set_t *placement_mask = NULL;
static size_t placement_size = 0;
static pthread_once_t placement_once = PTHREAD_ONCE_INIT;
static __thread int placement_depth = 0;
static __thread int placement_changed = 0;
static __thread int placement_held = -1;
static __thread int placement_settled = 0;

static void placement_read_mask(void) { placement_mask = affinity_mask(&placement_size); }

// The affinity `pin`/`avoid` ask for, applied to the calling thread: 1 if set, 0 if not asked
// for or not possible, -1 with errno.
static int placement_apply(int pin, int avoid) {
  int cpu = pin >= 0 ? pin : avoid;
  if (cpu < 0) return 0;
  pthread_once(&placement_once, placement_read_mask);
  if (placement_mask == NULL || (size_t)cpu >= placement_size * 8 ||
      !CPU_ISSET_S((size_t)cpu, placement_size, placement_mask) || CPU_COUNT_S(placement_size, placement_mask) < 2)
    return 0;
  cpu_set_t *set = CPU_ALLOC(placement_size * 8);
  if (set == NULL) return -1;
  if (pin >= 0) {
    CPU_ZERO_S(placement_size, set);
    CPU_SET_S((size_t)pin, placement_size, set);
  } else {
    memcpy(set, placement_mask, placement_size);
    CPU_CLR_S((size_t)avoid, placement_size, set);
  }
  int result = sched_setaffinity(0, placement_size, set);
  CPU_FREE(set);
  return result == 0 ? 1 : -1;
}
#endif

int CTLSystem_placement_enter(int pin, int avoid) {
#ifdef __linux__
  if (placement_depth++ > 0) return 0;
  int result = placement_apply(pin, avoid);
  placement_changed = result == 1;
  placement_held = result == 1 && pin >= 0 ? pin : -1;
  return result;
#else
  (void)pin, (void)avoid;
  return 0;
#endif
}

void CTLSystem_placement_leave(void) {
#ifdef __linux__
  if (placement_depth == 0 || --placement_depth > 0 || !placement_changed) return;
  placement_changed = 0;
  placement_held = -1;
  // A failed restore (a cpuset that shrank meanwhile) leaves the thread for the next settle.
  placement_settled = sched_setaffinity(0, placement_size, placement_mask) == 0;
#endif
}

void CTLSystem_placement_settle(void) {
#ifdef __linux__
  if (placement_settled || placement_depth > 0) return;
  placement_settled = 1;
  pthread_once(&placement_once, placement_read_mask);
  if (placement_mask == NULL) return;
  cpu_set_t *set = CPU_ALLOC(placement_size * 8);
  if (set == NULL) return;
  CPU_ZERO_S(placement_size, set);
  if (sched_getaffinity(0, placement_size, set) == 0 && !CPU_EQUAL_S(placement_size, set, placement_mask) &&
      sched_setaffinity(0, placement_size, placement_mask) != 0)
    placement_settled = 0;  // tried again at the next settle
  CPU_FREE(set);
#endif
}

long CTLSystem_process_cpu_count(void) {
#ifdef __linux__
  pthread_once(&placement_once, placement_read_mask);
  return placement_mask == NULL ? 0 : CPU_COUNT_S(placement_size, placement_mask);
#else
  return 0;
#endif
}

int CTLSystem_placement_held_cpu(void) {
#ifdef __linux__
  return placement_held;
#else
  return -1;
#endif
}
