/*
 * Process helpers.
 *
 * A pid alone does not name a process (pids are reused), so liveness is the
 * pair (pid, start time): the start time is field 22 of /proc/<pid>/stat, in
 * clock ticks since boot, and a reused pid has a later one.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sb_shim.h"

#define SB_STAT_BUFFER_SIZE  1024
#define SB_STAT_START_TIME_FIELD  22

/*
 * Returns the start time of a live process, -ESRCH if there is none by that
 * pid or it is a zombie (dead, not yet reaped: gone for every purpose of ours),
 * or another -errno.
 */
int64_t
sb_proc_start_time(int32_t pid)
{
    int      fd, field;
    char     path[64], buffer[SB_STAT_BUFFER_SIZE], *p, *end;
    ssize_t  n;
    int64_t  start_time;

    if (pid <= 0) {
        return -EINVAL;
    }

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return errno == ENOENT ? -ESRCH : -errno;
    }

    n = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);

    if (n <= 0) {
        return -ESRCH;
    }

    buffer[n] = '\0';

    /* the command name (field 2) may hold spaces and parentheses: skip to the last ')' */
    p = strrchr(buffer, ')');
    if (p == NULL || p[1] != ' ') {
        return -EPROTO;
    }

    p += 2;

    /* field 3, the state */
    if (*p == 'Z' || *p == 'X' || *p == 'x') {
        return -ESRCH;
    }

    for (field = 3; field < SB_STAT_START_TIME_FIELD; field++) {
        p = strchr(p, ' ');
        if (p == NULL) {
            return -EPROTO;
        }
        p++;
    }

    errno = 0;
    start_time = (int64_t) strtoll(p, &end, 10);
    if (errno != 0 || end == p) {
        return -EPROTO;
    }

    return start_time;
}

/*
 * Asks the kernel to send this process `signal` when its parent *thread*
 * exits. Not a full answer to "die with the CM" (docs/architecture.md, section
 * 7.6): workers also watch the CM's liveness whenever a wait times out.
 */
int
sb_proc_set_parent_death_signal(int32_t signal)
{
    if (prctl(PR_SET_PDEATHSIG, (unsigned long) signal, 0UL, 0UL, 0UL) == -1) {
        return -errno;
    }

    return 0;
}

int32_t
sb_proc_self_pid(void)
{
    return (int32_t) getpid();
}
