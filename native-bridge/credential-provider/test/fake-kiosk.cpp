// A stand-in for MyPassKiosk.exe in the launch tests. It reads its scenario from scenario.txt beside
// itself ("<answer> <exit code> [probe]"), writes report.txt beside itself (desktop, window station,
// job membership, command line, the policy frame it got, the probe's exit code), answers over the pipe
// and exits with the scenario's code. Answers: completed-password, completed, enroll, cancelled,
// timeout, wrong-nonce, garbage, oversized, silent (never answers), no-connect (exits at once).
#include <windows.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::wstring Dir() {
  wchar_t path[MAX_PATH];
  GetModuleFileNameW(nullptr, path, MAX_PATH);
  std::wstring p = path;
  return p.substr(0, p.find_last_of(L'\\') + 1);
}

std::string Narrow(const std::wstring& w) {
  std::string out;
  for (wchar_t c : w) out.push_back(c < 128 ? static_cast<char>(c) : '?');
  return out;
}

std::wstring Arg(int argc, wchar_t** argv, const std::wstring& name) {
  for (int i = 1; i < argc; ++i) {
    std::wstring a = argv[i];
    if (a.rfind(name, 0) == 0) return a.substr(name.size());
  }
  return L"";
}

std::wstring ObjectName(HANDLE object) {
  wchar_t name[256] = L"";
  DWORD needed = 0;
  GetUserObjectInformationW(object, UOI_NAME, name, sizeof name, &needed);
  return name;
}

bool WriteAll(HANDLE pipe, const std::string& bytes) {
  DWORD n = 0;
  return WriteFile(pipe, bytes.data(), static_cast<DWORD>(bytes.size()), &n, nullptr) && n == bytes.size();
}

std::string Frame(const std::string& body) {
  std::string f(4, '\0');
  const auto n = static_cast<uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) f[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return f + body;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  const std::wstring dir = Dir();
  std::ifstream scenarioFile(Narrow(dir + L"scenario.txt"));
  std::string answer = "cancelled", probe;
  int exitCode = 1;
  scenarioFile >> answer >> exitCode >> probe;

  const std::wstring pipeName = Arg(argc, argv, L"--mypass-pipe=");
  const std::wstring nonceW = Arg(argc, argv, L"--mypass-nonce=");
  const std::string nonce = Narrow(nonceW);
  BOOL inJob = FALSE;
  IsProcessInJob(GetCurrentProcess(), nullptr, &inJob);
  // The UI limits of its own job (NULL = the caller's job). Wine does not implement this query.
  JOBOBJECT_BASIC_UI_RESTRICTIONS ui{};
  char uiLimits[16] = "unsupported";
  if (QueryInformationJobObject(nullptr, JobObjectBasicUIRestrictions, &ui, sizeof ui, nullptr)) {
    std::snprintf(uiLimits, sizeof uiLimits, "0x%lx", static_cast<unsigned long>(ui.UIRestrictionsClass));
  }

  int probeExit = -1;
  if (probe == "probe") {
    std::wstring cmd = L"\"" + dir + L"mypass-pipe-check.exe\" " + pipeName;
    STARTUPINFOW si{};
    si.cb = sizeof si;
    PROCESS_INFORMATION pi{};
    if (CreateProcessW(nullptr, &cmd[0], nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi)) {
      WaitForSingleObject(pi.hProcess, 20000);
      DWORD code = 0;
      GetExitCodeProcess(pi.hProcess, &code);
      probeExit = static_cast<int>(code);
      CloseHandle(pi.hProcess);
      CloseHandle(pi.hThread);
    }
  }

  std::string policy;
  if (answer != "no-connect") {
    HANDLE pipe = INVALID_HANDLE_VALUE;
    for (int i = 0; i < 100 && pipe == INVALID_HANDLE_VALUE; ++i) {
      pipe = CreateFileW(pipeName.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
      if (pipe == INVALID_HANDLE_VALUE) Sleep(50);
    }
    if (pipe != INVALID_HANDLE_VALUE) {
      unsigned char header[4];
      DWORD n = 0;
      if (ReadFile(pipe, header, 4, &n, nullptr) && n == 4) {
        const uint32_t len = header[0] | (header[1] << 8) | (header[2] << 16) | (static_cast<uint32_t>(header[3]) << 24);
        policy.resize(len);
        DWORD got = 0, total = 0;
        while (total < len && ReadFile(pipe, &policy[total], len - total, &got, nullptr) && got > 0) total += got;
        policy.resize(total);
      }
      std::ofstream report(Narrow(dir + L"report.txt"), std::ios::binary);
      report << "desktop=" << Narrow(ObjectName(GetThreadDesktop(GetCurrentThreadId()))) << "\n"
             << "station=" << Narrow(ObjectName(GetProcessWindowStation())) << "\n"
             << "inJob=" << (inJob ? 1 : 0) << "\n"
             << "uiLimits=" << uiLimits << "\n"
             << "commandLine=" << Narrow(GetCommandLineW()) << "\n"
             << "nonceInPolicy=" << (policy.find("\"nonce\":\"" + nonce + "\"") != std::string::npos ? 1 : 0) << "\n"
             << "policy=" << policy << "\n"
             << "probeExit=" << probeExit << "\n";
      report.close();

      const std::string head = "{\"version\":1,\"nonce\":\"" + nonce + "\",";
      const std::string user = "\"userName\":\"ada@contoso.example\"";
      if (answer == "completed-password") {
        WriteAll(pipe, Frame(head + "\"outcome\":\"completed\",\"purpose\":\"reset\"," + user + ",\"newPassword\":\"Correct-Horse-9\"}"));
      } else if (answer == "completed") {
        WriteAll(pipe, Frame(head + "\"outcome\":\"completed\",\"purpose\":\"reset\"," + user + "}"));
      } else if (answer == "enroll") {
        WriteAll(pipe, Frame(head + "\"outcome\":\"completed\",\"purpose\":\"enroll\"," + user + "}"));
      } else if (answer == "cancelled") {
        WriteAll(pipe, Frame(head + "\"outcome\":\"cancelled\",\"purpose\":\"reset\"}"));
      } else if (answer == "timeout") {
        WriteAll(pipe, Frame(head + "\"outcome\":\"timeout\",\"purpose\":\"reset\"}"));
      } else if (answer == "wrong-nonce") {
        WriteAll(pipe, Frame("{\"version\":1,\"nonce\":\"c29tZW9uZS1lbHNlcy1ub25jZQ\",\"outcome\":\"completed\",\"purpose\":\"reset\"," +
                             user + ",\"newPassword\":\"Correct-Horse-9\"}"));
      } else if (answer == "garbage") {
        WriteAll(pipe, Frame("this is not json"));
      } else if (answer == "oversized") {
        WriteAll(pipe, std::string("\x01\x00\x01\x00", 4) + std::string(1024, 'x'));
      } else if (answer == "silent") {
        Sleep(600000);
      }
      FlushFileBuffers(pipe);
      CloseHandle(pipe);
    }
  } else {
    std::ofstream report(Narrow(dir + L"report.txt"), std::ios::binary);
    report << "inJob=" << (inJob ? 1 : 0) << "\nuiLimits=" << uiLimits << "\nprobeExit=" << probeExit << "\n";
  }
  return exitCode;
}
