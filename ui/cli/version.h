/*
 * version.h -- vmlab's version, in one place: `vmlab --version` prints it
 * and checkpoint or JSON writers may record it.  Raise it with a release.
 */
#ifndef VMLAB_VERSION_H
#define VMLAB_VERSION_H

#define VMLAB_VERSION "0.2.0"

#endif
