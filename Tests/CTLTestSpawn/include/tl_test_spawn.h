// The tests' one way to start a process: posix_spawn with nothing inherited but the three
// standard streams (see spawn.c for why Foundation's Process is not used).
#ifndef TL_TEST_SPAWN_H
#define TL_TEST_SPAWN_H

#include <sys/types.h>

/// Starts `path` (absolute) with `argv` and `envp` in `directory` (NULL: this process's), its
/// standard input, output and error duplicated from `in`, `out` and `err`, and every other
/// descriptor of this process closed in the child before it runs, in a process group of its own
/// (so it can be killed with whatever it started). Returns 0 and sets `*pid`, or the error
/// number.
int tl_test_spawn(
  pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *directory,
  int in, int out, int err);

/// `pipe` with both ends close-on-exec. Returns 0, or -1 and sets errno.
int tl_test_pipe(int ends[2]);

#endif
