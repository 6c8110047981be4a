#ifndef C_LIBFUZZER_DRIVER_H
#define C_LIBFUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (LLVM 11 and later), defined by libclang_rt.fuzzer when the program is
/// linked with -sanitize=fuzzer. SwiftPM points `main` at the Swift entry point of an
/// executable target, so the fuzzer's `main` calls this instead of relying on libFuzzer's own.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
