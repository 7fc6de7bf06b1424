// See include/tl_crash_guard.h.
#define _GNU_SOURCE
#include "tl_crash_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <pthread.h>
static long current_thread(void) {
  __uint64_t id = 0;
  pthread_threadid_np(NULL, &id);
  return (long)id;
}
#else
static long current_thread(void) { return (long)syscall(SYS_gettid); }
#endif

enum {
  path_capacity = 4096,
  message_capacity = path_capacity + 128,
  temporary_slots = 32,
  mapping_slots = 256,
  alternate_stack_size = 64 * 1024,
};

static const int guarded_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
enum { guarded_count = sizeof guarded_signals / sizeof guarded_signals[0] };

static struct sigaction previous_actions[guarded_count];
static atomic_int installed = 0;

// The armed thread (0: none) and the start of its message, "tl-run: FILE: ... (signal ".
static atomic_long armed_thread = 0;
static char message[message_capacity];
static size_t message_prefix_length = 0;

static const char prefix_start[] = "tl-run: ";
static const char prefix_end[] = ": libhdf5 crashed reading this file (signal ";
static const char suffix[] = "); the file is corrupt\n";

// While armed, stderr (fd 2) is a memory file: glibc writes "free(): invalid pointer" there
// before it aborts, which would be a second line. Disarming puts stderr back and copies
// whatever arrived (another thread's output) to it; a crash while armed drops it.
static int real_stderr = -1;
static int capture = -1;
static atomic_int redirected = 0;

// Copies what the memory file holds to the real stderr and empties it; async-signal-safe.
static void flush_capture(void) {
  off_t length = lseek(capture, 0, SEEK_CUR);
  char buffer[4096];
  off_t at = 0;
  while (length > 0 && at < length) {
    size_t want = (size_t)(length - at) < sizeof buffer ? (size_t)(length - at) : sizeof buffer;
    ssize_t count = pread(capture, buffer, want, at);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;
    for (ssize_t done = 0; done < count;) {
      ssize_t wrote = write(real_stderr, buffer + done, (size_t)(count - done));
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) break;
      done += wrote;
    }
    at += count;
  }
  if (length > 0) {
    if (ftruncate(capture, 0) != 0) { /* the next flush copies it again; nothing better to do */ }
    lseek(capture, 0, SEEK_SET);
  }
}

// Puts the real stderr back on fd 2; `keep` copies what was captured meanwhile.
static void restore_stderr(int keep) {
  if (!atomic_exchange(&redirected, 0)) return;
  dup2(real_stderr, STDERR_FILENO);
  if (keep) {
    flush_capture();
  } else {
    lseek(capture, 0, SEEK_SET);
  }
}

// Temporary files: state 0 free, 1 being written, 2 ready to remove.
static atomic_int temporary_state[temporary_slots];
static char temporary_paths[temporary_slots][path_capacity];

// Mapped input files: state 0 free, 1 being set, 2 live; [start, end) and the file's name.
static atomic_int mapping_state[mapping_slots];
static uintptr_t mapping_start[mapping_slots];
static uintptr_t mapping_end[mapping_slots];
static char mapping_paths[mapping_slots][path_capacity];
static const char mapping_end_text[] =
    ": file shrank or could not be read during the run (truncated by another process?)\n";

static size_t append(char *buffer, size_t at, size_t size, const char *text, size_t length) {
  size_t room = at < size ? size - at : 0;
  size_t count = length < room ? length : room;
  memcpy(buffer + at, text, count);
  return at + count;
}

// The prefix of the line for `file`: file names longer than the buffer end in "...".
static size_t format_prefix(const char *file, char *buffer, size_t size) {
  size_t at = append(buffer, 0, size, prefix_start, sizeof prefix_start - 1);
  size_t length = strlen(file);
  if (length > path_capacity) {
    at = append(buffer, at, size, file, path_capacity - 3);
    at = append(buffer, at, size, "...", 3);
  } else {
    at = append(buffer, at, size, file, length);
  }
  return append(buffer, at, size, prefix_end, sizeof prefix_end - 1);
}

// Appends the signal number and the suffix; async-signal-safe (no printf).
static size_t format_suffix(int signal, char *buffer, size_t at, size_t size) {
  char digits[16];
  int count = 0;
  unsigned value = signal < 0 ? 0u : (unsigned)signal;
  do {
    digits[sizeof digits - 1 - count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value > 0 && count < (int)sizeof digits);
  at = append(buffer, at, size, digits + sizeof digits - count, (size_t)count);
  return append(buffer, at, size, suffix, sizeof suffix - 1);
}

size_t tlcg_format_message(const char *file, int signal, char *buffer, size_t size) {
  if (size == 0) return 0;
  size_t at = format_prefix(file, buffer, size - 1);
  at = format_suffix(signal, buffer, at, size - 1);
  buffer[at] = 0;
  return at;
}

size_t tlcg_format_mapping_message(const char *file, char *buffer, size_t size) {
  if (size == 0) return 0;
  size_t at = append(buffer, 0, size - 1, prefix_start, sizeof prefix_start - 1);
  size_t length = strlen(file);
  if (length > path_capacity) {
    at = append(buffer, at, size - 1, file, path_capacity - 3);
    at = append(buffer, at, size - 1, "...", 3);
  } else {
    at = append(buffer, at, size - 1, file, length);
  }
  at = append(buffer, at, size - 1, mapping_end_text, sizeof mapping_end_text - 1);
  buffer[at] = 0;
  return at;
}

// Writes to `descriptor` whole, retrying after EINTR; async-signal-safe.
static void write_all_to(int descriptor, const char *text, size_t length) {
  size_t done = 0;
  while (done < length) {
    ssize_t count = write(descriptor, text + done, length - done);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;
    done += (size_t)count;
  }
}

// Set by the first thread that reports a fault and ends the process: any other thread that
// faults meanwhile (both cores reading a truncated mapping) waits for that end instead of
// writing a second line.
static atomic_int reporting = 0;

// With --json, the error is also a JSON object on stdout: the text before and after the
// message (the command's own format, rendered by the caller around a placeholder).
enum { json_capacity = 1024 };
static char json_before[json_capacity];
static char json_after[json_capacity];
static atomic_int json_set = 0;

int tlcg_set_json_report(const char *before, const char *after) {
  size_t before_length = strlen(before), after_length = strlen(after);
  if (before_length >= json_capacity || after_length >= json_capacity) return -1;
  atomic_store(&json_set, 0);
  memcpy(json_before, before, before_length + 1);
  memcpy(json_after, after, after_length + 1);
  atomic_store(&json_set, 1);
  return 0;
}

// Writes the line's message (without "tl-run: " and the newline) to stdout as the JSON object
// tlcg_set_json_report prepared, the message escaped as a JSON string; async-signal-safe.
static void write_json_report(const char *line, size_t length) {
  if (!atomic_load(&json_set)) return;
  size_t start = sizeof prefix_start - 1;
  size_t end = length > 0 && line[length - 1] == '\n' ? length - 1 : length;
  if (start > end) start = end;
  write_all_to(STDOUT_FILENO, json_before, strlen(json_before));
  char buffer[256];
  size_t used = 0;
  static const char hex[] = "0123456789abcdef";
  for (size_t index = start; index < end; index++) {
    unsigned char byte = (unsigned char)line[index];
    char escaped[6];
    size_t count = 0;
    if (byte == '"' || byte == '\\') {
      escaped[count++] = '\\';
      escaped[count++] = (char)byte;
    } else if (byte < 0x20) {
      memcpy(escaped, "\\u00", 4);
      count = 4;
      escaped[count++] = hex[byte >> 4];
      escaped[count++] = hex[byte & 15];
    } else {
      escaped[count++] = (char)byte;
    }
    if (used + count > sizeof buffer) {
      write_all_to(STDOUT_FILENO, buffer, used);
      used = 0;
    }
    memcpy(buffer + used, escaped, count);
    used += count;
  }
  write_all_to(STDOUT_FILENO, buffer, used);
  write_all_to(STDOUT_FILENO, json_after, strlen(json_after));
}

static void wait_for_the_report(void) {
  if (atomic_exchange(&reporting, 1) == 0) return;
  for (;;) pause();
}

static void remove_temporaries(void) {
  for (int slot = 0; slot < temporary_slots; slot++) {
    if (atomic_load(&temporary_state[slot]) == 2) unlink(temporary_paths[slot]);
  }
}

// A SIGBUS for an address past the end of the file (BUS_ADRERR) inside a mapped input: the
// file shrank under the mapping, or its page could not be read in. Reports it and ends the
// process; returns only when the address is in no mapping. The line goes to the real stderr:
// another thread may point fd 2 at the memory file (tlcg_arm) at any moment.
static void handle_mapping_fault(int signal, siginfo_t *info) {
  if (signal != SIGBUS || info == NULL || info->si_code != BUS_ADRERR) return;
  uintptr_t address = (uintptr_t)info->si_addr;
  for (int slot = 0; slot < mapping_slots; slot++) {
    if (atomic_load(&mapping_state[slot]) != 2) continue;
    if (address < mapping_start[slot] || address >= mapping_end[slot]) continue;
    wait_for_the_report();
    restore_stderr(1);
    remove_temporaries();
    // Static: only the one reporting thread (wait_for_the_report) gets here.
    static char line[message_capacity];
    size_t length = tlcg_format_mapping_message(mapping_paths[slot], line, sizeof line);
    write_all_to(real_stderr >= 0 ? real_stderr : STDERR_FILENO, line, length);
    write_json_report(line, length);
    _exit(2);
  }
}

static void handle(int signal, siginfo_t *info, void *context) {
  (void)context;
  int saved_errno = errno;
  handle_mapping_fault(signal, info);
  long armed = atomic_load(&armed_thread);
  if (armed != 0 && armed == current_thread()) {
    wait_for_the_report();
    restore_stderr(0);
    remove_temporaries();
    size_t length = format_suffix(signal, message, message_prefix_length, sizeof message);
    write_all_to(STDERR_FILENO, message, length);
    write_json_report(message, length);
    _exit(2);
  }
  // Not a crash inside libhdf5: the handler from before takes it over, as if we were not here,
  // with stderr back in place and what was written to it meanwhile (a fatal error's message).
  restore_stderr(1);
  for (int index = 0; index < guarded_count; index++) {
    if (guarded_signals[index] == signal) sigaction(signal, &previous_actions[index], NULL);
  }
  // A signal that was sent (kill, raise, abort) is sent again, to arrive once this returns; a
  // fault (si_code > 0) happens again when the faulting instruction runs again.
  if (info == NULL || info->si_code <= 0) raise(signal);
  errno = saved_errno;
}

int tlcg_install(void) {
  int expected = 0;
  if (!atomic_compare_exchange_strong(&installed, &expected, 2)) return 0;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = handle;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int index = 0; index < guarded_count; index++) {
    if (sigaction(guarded_signals[index], &action, &previous_actions[index]) != 0) {
      for (int undo = 0; undo < index; undo++) {
        sigaction(guarded_signals[undo], &previous_actions[undo], NULL);
      }
      atomic_store(&installed, 0);
      return -1;
    }
  }
#if defined(__linux__)
  real_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  capture = memfd_create("tl-run-stderr", MFD_CLOEXEC);
  if (real_stderr < 0 || capture < 0) {
    if (real_stderr >= 0) close(real_stderr);
    if (capture >= 0) close(capture);
    real_stderr = capture = -1;
  }
#endif
  atomic_store(&installed, 1);
  return 0;
}

int tlcg_installed(void) { return atomic_load(&installed) == 1; }

// Each thread that arms the guard gets an alternate stack unless it has one; it is unmapped
// when the thread ends.
static pthread_key_t stack_key;
static pthread_once_t stack_key_once = PTHREAD_ONCE_INIT;
static _Thread_local int thread_has_stack = 0;

static void release_stack(void *memory) {
  stack_t none;
  memset(&none, 0, sizeof none);
  none.ss_flags = SS_DISABLE;
  sigaltstack(&none, NULL);
  munmap(memory, alternate_stack_size);
}

static void make_stack_key(void) { pthread_key_create(&stack_key, release_stack); }

static void ensure_alternate_stack(void) {
  if (thread_has_stack) return;
  thread_has_stack = 1;
  stack_t current;
  if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
  void *memory = mmap(NULL, alternate_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;
  stack_t stack;
  memset(&stack, 0, sizeof stack);
  stack.ss_sp = memory;
  stack.ss_size = alternate_stack_size;
  if (sigaltstack(&stack, NULL) != 0) {
    munmap(memory, alternate_stack_size);
    return;
  }
  pthread_once(&stack_key_once, make_stack_key);
  pthread_setspecific(stack_key, memory);
}

void tlcg_arm(const char *file) {
  if (atomic_load(&installed) == 1) {
    ensure_alternate_stack();
    if (capture >= 0 && !atomic_load(&reporting) && !atomic_load(&redirected) &&
        dup2(capture, STDERR_FILENO) >= 0) {
      atomic_store(&redirected, 1);
    }
  }
  // Nobody is armed while the message changes, so a crash meanwhile is not misreported.
  atomic_store(&armed_thread, 0);
  message_prefix_length = format_prefix(file, message, sizeof message - 32);
  atomic_store(&armed_thread, current_thread());
}

void tlcg_disarm(void) {
  atomic_store(&armed_thread, 0);
  restore_stderr(1);
}

int tlcg_register_temporary(const char *path) {
  size_t length = strlen(path);
  if (length >= path_capacity) return -1;
  for (int slot = 0; slot < temporary_slots; slot++) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&temporary_state[slot], &expected, 1)) {
      memcpy(temporary_paths[slot], path, length + 1);
      atomic_store(&temporary_state[slot], 2);
      return slot;
    }
  }
  return -1;
}

void tlcg_unregister_temporary(int slot) {
  if (slot < 0 || slot >= temporary_slots) return;
  atomic_store(&temporary_state[slot], 0);
}

int tlcg_register_mapping(const void *start, size_t length, const char *file) {
  if (atomic_load(&installed) != 1) return -1;
  size_t name_length = strlen(file);
  if (name_length >= path_capacity) return -1;
  for (int slot = 0; slot < mapping_slots; slot++) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&mapping_state[slot], &expected, 1)) {
      memcpy(mapping_paths[slot], file, name_length + 1);
      mapping_start[slot] = (uintptr_t)start;
      mapping_end[slot] = (uintptr_t)start + length;
      atomic_store(&mapping_state[slot], 2);
      return slot;
    }
  }
  return -1;
}

void tlcg_unregister_mapping(int slot) {
  if (slot < 0 || slot >= mapping_slots) return;
  atomic_store(&mapping_state[slot], 0);
}
