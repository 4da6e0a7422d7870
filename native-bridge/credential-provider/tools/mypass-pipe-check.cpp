// mypass-pipe-check.exe <pipe name>: the kiosk's check that its pipe's server is LogonUI running as
// LocalSystem (PROTOCOL.md). Exit 0 only if the server process's user is S-1-5-18 and its image is
// %SystemRoot%\System32\LogonUI.exe; any other answer or error exits non-zero. It reads and writes
// nothing on the pipe: the provider lets such a probe from inside the kiosk's job go and listens again.
#include <windows.h>

#include <cwchar>
#include <string>
#include <vector>

namespace {

enum Exit { kOk = 0, kUsage = 2, kConnect = 3, kServerPid = 4, kServerProcess = 5, kNotSystem = 6, kNotLogonUi = 7 };

bool IsLocalSystem(HANDLE process) {
  HANDLE token = nullptr;
  if (!OpenProcessToken(process, TOKEN_QUERY, &token)) return false;
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<BYTE> user(size == 0 ? 1 : size);
  const bool read = size != 0 && GetTokenInformation(token, TokenUser, user.data(), size, &size);
  CloseHandle(token);
  if (!read) return false;
  BYTE system[SECURITY_MAX_SID_SIZE];
  DWORD systemSize = sizeof system;
  if (!CreateWellKnownSid(WinLocalSystemSid, nullptr, system, &systemSize)) return false;
  return EqualSid(reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid, system) != FALSE;
}

bool IsLogonUi(HANDLE process) {
  wchar_t image[MAX_PATH * 2];
  DWORD size = MAX_PATH * 2;
  if (!QueryFullProcessImageNameW(process, 0, image, &size)) return false;
  wchar_t expected[MAX_PATH * 2];
  const UINT n = GetSystemDirectoryW(expected, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return false;
  std::wstring want = std::wstring(expected) + L"\\LogonUI.exe";
  return CompareStringOrdinal(image, -1, want.c_str(), -1, TRUE) == CSTR_EQUAL;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc != 2 || std::wcsncmp(argv[1], L"\\\\.\\pipe\\MyPass-", 16) != 0) return kUsage;
  // Identification only: the server may learn who we are but can never act as us.
  HANDLE pipe = INVALID_HANDLE_VALUE;
  for (int attempt = 0; attempt < 50 && pipe == INVALID_HANDLE_VALUE; ++attempt) {
    pipe = CreateFileW(argv[1], GENERIC_READ, 0, nullptr, OPEN_EXISTING, SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr);
    if (pipe == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PIPE_BUSY) WaitNamedPipeW(argv[1], 200);
    else if (pipe == INVALID_HANDLE_VALUE) break;
  }
  if (pipe == INVALID_HANDLE_VALUE) return kConnect;
  ULONG serverPid = 0;
  const BOOL gotPid = GetNamedPipeServerProcessId(pipe, &serverPid);
  CloseHandle(pipe);  // disconnect at once, without reading
  if (!gotPid || serverPid == 0) return kServerPid;
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, serverPid);
  if (process == nullptr) return kServerProcess;
  const bool system = IsLocalSystem(process);
  const bool logonUi = IsLogonUi(process);
  CloseHandle(process);
  if (!system) return kNotSystem;
  if (!logonUi) return kNotLogonUi;
  return kOk;
}
