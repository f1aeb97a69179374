#ifndef SUMD_CINOTIFY_SHIM_H
#define SUMD_CINOTIFY_SHIM_H

#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <inotifytools/inotifytools.h>

/// The file name carried by an event (empty for events on the watched directory itself).
/// Swift cannot import the flexible array member `inotify_event.name`.
static inline const char *cinotify_event_name(const struct inotify_event *event) {
    return event->len > 0 ? event->name : "";
}

/// The first descriptor number `select()` cannot watch; libinotifytools polls its fd with `select()`.
static inline int cinotify_fd_setsize(void) { return FD_SETSIZE; }

/// Names the calling thread (shown by `top -H`, `ps -L` and debuggers); `prctl` is variadic, so
/// Swift cannot call it directly.
static inline void cinotify_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

#endif
