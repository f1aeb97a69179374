#ifndef SUMD_CINOTIFY_SHIM_H
#define SUMD_CINOTIFY_SHIM_H

#include <sys/inotify.h>
#include <inotifytools/inotifytools.h>

/// The file name carried by an event (empty for events on the watched directory itself).
/// Swift cannot import the flexible array member `inotify_event.name`.
static inline const char *cinotify_event_name(const struct inotify_event *event) {
    return event->len > 0 ? event->name : "";
}

/// Composite masks that Swift does not import (they are macros built from other macros).
static inline unsigned int cinotify_in_close(void) { return IN_CLOSE; }
static inline unsigned int cinotify_in_move(void) { return IN_MOVE; }
static inline unsigned int cinotify_in_all_events(void) { return IN_ALL_EVENTS; }

#endif
