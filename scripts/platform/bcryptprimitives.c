/* A stand-in for Windows' bcryptprimitives.dll, for running Tandem's Windows programs under
 * Debian's wine 8.0 only (scripts/platform-check builds it with mingw-w64; it is never shipped).
 * Rust's standard library gets its random bytes from ProcessPrng (Windows 10+), which wine 8.0
 * does not have; this one fills the buffer from RtlGenRandom (advapi32's SystemFunction036),
 * wine's own system randomness. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
