enum WatcherPlaceholder {}
