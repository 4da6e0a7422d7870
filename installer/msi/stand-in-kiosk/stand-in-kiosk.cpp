// The stand-in for the packaged Electron kiosk in CI (Electron cannot be downloaded here): an
// executable named like the real one, so the MSI's layout, signing and install are tested as for
// the real kiosk. It prints what it was started with and exits 0.
#include <cwchar>

int wmain(int argc, wchar_t** argv) {
  std::wprintf(L"MyPass stand-in kiosk\n");
  for (int i = 1; i < argc; ++i) std::wprintf(L"arg %d: %ls\n", i, argv[i]);
  return 0;
}
