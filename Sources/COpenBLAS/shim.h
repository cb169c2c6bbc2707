// The CBLAS interface of OpenBLAS (Debian libopenblas-dev), plus its thread-count control.
#include <cblas.h>
