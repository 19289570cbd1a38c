package sysemu

// hostSubreaper: darwin has no subreaper; orphans of a namespace go to
// launchd, and pid 1's wait does not see them (docs/processes.md).
func hostSubreaper() {}
