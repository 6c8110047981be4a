// Declarations only; see include/CLibFuzzerDriver.h.
#include "CLibFuzzerDriver.h"
