/* disclaimer.c: placeholder */
#include "common.h"
