// libFuzzer's driver, which the `-sanitize=fuzzer` runtime provides. SwiftPM links an
// executable target with `main` defined as the module's own `<Module>_main`, so each target
// defines that function and hands its test function to this driver (libFuzzer's own `main`
// does exactly this).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));
