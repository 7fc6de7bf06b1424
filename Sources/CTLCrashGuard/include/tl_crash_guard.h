// A last line of defence around calls into libhdf5, which can crash on a corrupt file (1.10.8
// dereferences bad addresses in H5O_msg_read and H5F__accum_read, frees bad pointers in
// H5O_msg_reset). While a thread is inside such a call the guard is armed for that thread with
// the file the call concerns; a fatal signal on that thread (SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
// SIGILL) then removes the registered temporary files, writes one line,
//   tl-run: FILE: libhdf5 crashed reading this file (signal N); the file is corrupt
// and ends the process with _exit(2). A fatal signal anywhere else (another thread, or no call
// armed) goes to the handler that was installed before (the Swift runtime's backtracer, or the
// default action and its core dump), as if the guard were not there.
//
// While armed, stderr is redirected to a memory file (Linux): glibc writes its own line
// ("free(): invalid pointer") to stderr before it aborts, which would make two. Disarming puts
// stderr back and copies whatever arrived meanwhile (another thread's output); a crash inside
// libhdf5 drops it, a crash elsewhere copies it before the previous handler runs.
//
// Also around memory-mapped input files (tlcg_register_mapping): a SIGBUS at an address inside
// one, on any thread, means the file was truncated under the mapping; it is reported naming
// the file, with exit status 2, never as a signal.
//
// Everything the handler does is async-signal-safe: it reads only what tlcg_arm,
// tlcg_register_temporary and tlcg_register_mapping prepared, calls only write, pread, lseek, ftruncate, dup2, unlink, sigaction, raise, pause and _exit.
#ifndef TL_CRASH_GUARD_H
#define TL_CRASH_GUARD_H

#include <stddef.h>

/// Installs the handlers, each on an alternate signal stack, keeping the handlers they replace.
/// Once per process (later calls do nothing); returns 0, or -1 when sigaction failed.
int tlcg_install(void);

/// Whether tlcg_install succeeded: arming does nothing visible without it.
int tlcg_installed(void);

/// Arms the guard for the calling thread: until tlcg_disarm, a fatal signal on this thread
/// reports `file` (copied; a path longer than the buffer is cut and ends in "..."). Also gives
/// the thread an alternate signal stack if it has none, so a stack overflow is reported too.
void tlcg_arm(const char *file);

/// Disarms the guard (on whichever thread armed it).
void tlcg_disarm(void);

/// The line a crash while armed writes for `file` and `signal`, into `buffer` (NUL-terminated,
/// cut to `size`); returns its length. What the handler writes, for tests.
size_t tlcg_format_message(const char *file, int signal, char *buffer, size_t size);

/// Registers a temporary file that a guarded crash removes (a half-written output). Returns a
/// slot for tlcg_unregister_temporary, or -1 when every slot is taken or the path is too long
/// (then a crash leaves the file behind).
int tlcg_register_temporary(const char *path);

/// Forgets a slot tlcg_register_temporary returned (-1 is ignored).
void tlcg_unregister_temporary(int slot);

/// Registers a mapped input file's bytes [start, start + length): a SIGBUS past the file's end
/// (BUS_ADRERR) at an address inside them (the file was truncated under the mapping, or a page
/// could not be read in; on any thread) removes the registered temporary files, writes one line,
///   tl-run: FILE: file shrank or could not be read during the run (truncated by another process?)
/// and ends the process with _exit(2). Returns a slot for tlcg_unregister_mapping, or -1 when
/// the handlers are not installed, every slot is taken or the path is too long: the caller
/// then must not map the file.
int tlcg_register_mapping(const void *start, size_t length, const char *file);

/// Forgets a slot tlcg_register_mapping returned (-1 is ignored); before the bytes are unmapped.
void tlcg_unregister_mapping(int slot);

/// With --json: a reported fault also writes, to stdout, `before`, the line's message (without
/// "tl-run: " and the newline) escaped as a JSON string, then `after`: the command's JSON error
/// object, which the caller renders around a placeholder message. Returns 0, or -1 when either
/// text is 1024 bytes or longer (then nothing changes).
int tlcg_set_json_report(const char *before, const char *after);

/// The line a SIGBUS inside a registered mapping of `file` writes, into `buffer`
/// (NUL-terminated, cut to `size`); returns its length. For tests.
size_t tlcg_format_mapping_message(const char *file, char *buffer, size_t size);

#endif
