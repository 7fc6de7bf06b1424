// Why not Foundation's Process: on Linux it lists /proc/self/fd, adds a close action for each
// descriptor it found, then spawns. A descriptor another thread opens in between is not in the
// list, and libhdf5 opens files without O_CLOEXEC, so the child kept that file open, with the
// flock libhdf5 takes, for its whole life: the test that wrote the file then failed to open it
// again ("unable to lock file", errno 11). Here the child closes every descriptor from 3 up
// itself, after it was cloned (closefrom as a file action, glibc 2.34), so nothing opened by
// any thread reaches the program it runs. It holds the copies from its clone to that close,
// which under load can take milliseconds: the Swift side (ChildProcess) spawns holding
// libhdf5's lock, so no HDF5 file is closed and reopened meanwhile.
#define _GNU_SOURCE
#include "tl_test_spawn.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#if !defined(__APPLE__) && !(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#error "tl_test_spawn needs posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)"
#endif

int tl_test_spawn(
  pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *directory,
  int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  int status = posix_spawn_file_actions_init(&actions);
  if (status != 0) return status;
  status = posix_spawnattr_init(&attributes);
  if (status != 0) {
    posix_spawn_file_actions_destroy(&actions);
    return status;
  }
  const int streams[3] = {in, out, err};
  for (int target = 0; target < 3 && status == 0; target++) {
    status = posix_spawn_file_actions_adddup2(&actions, streams[target], target);
  }
#if defined(__APPLE__)
  short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_CLOEXEC_DEFAULT;
#else
  short flags = POSIX_SPAWN_SETPGROUP;
  if (status == 0) status = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  if (status == 0) status = posix_spawnattr_setflags(&attributes, flags);
  if (status == 0 && directory != NULL) {
    status = posix_spawn_file_actions_addchdir_np(&actions, directory);
  }
  if (status == 0) status = posix_spawn(pid, path, &actions, &attributes, argv, envp);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return status;
}

int tl_test_pipe(int ends[2]) {
#if defined(__APPLE__)
  if (pipe(ends) != 0) return -1;
  for (int i = 0; i < 2; i++) fcntl(ends[i], F_SETFD, FD_CLOEXEC);
  return 0;
#else
  return pipe2(ends, O_CLOEXEC);
#endif
}
