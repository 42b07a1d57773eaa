/* version.c - the version string compiled in by CMake. */
#include "terrobs/version.h"

const char *tob_version(void)
{
    return TOB_VERSION;
}
