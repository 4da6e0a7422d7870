// Policy: the values of policy-values.h read through a store (RegGetValueW in the DLL, a map in the
// unit tests), checked, and turned into the tile's settings and the kiosk's pipe policy object.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_DWORD 4
#define REG_MULTI_SZ 7
#endif

#include "policy-values.h"

namespace mypass {

enum class PolicyId : unsigned {
#define MYPASS_POLICY_ID(key, name, type, id, field) id,
  MYPASS_POLICY_VALUES(MYPASS_POLICY_ID)
#undef MYPASS_POLICY_ID
      Count
};

struct PolicyValueSpec {
  PolicyId id;
  const wchar_t* key;
  const wchar_t* name;
  uint32_t type;
  const char* kioskField;
};

/** The table of policy-values.h as data. */
const std::vector<PolicyValueSpec>& PolicyValueSpecs();

struct RegistryRead {
  enum class State { Absent, Present, WrongType, Unreadable } state = State::Absent;
  uint32_t dword = 0;
  std::wstring text;                // REG_SZ (or REG_EXPAND_SZ, unexpanded)
  std::vector<std::wstring> list;   // REG_MULTI_SZ
};

/** Reads one value with exactly the type the table names. */
class PolicyStore {
 public:
  virtual ~PolicyStore() = default;
  virtual RegistryRead Read(const PolicyValueSpec& spec) = 0;
};

/** One problem found while reading policy: logged once, never carries the value itself. */
struct PolicyNote {
  std::wstring valueName;
  std::string problem;  // stable code: wrong_type, out_of_range, unreadable, too_long, not_absolute
};

struct Policy {
  bool enabled = false;                 // Enabled (REG_DWORD 0/1), default 0: no tile
  std::wstring tileLabel;               // empty: the localized default
  std::wstring tileSubText;             // empty: the localized default
  std::wstring tileImagePath;           // empty: the built-in image
  std::wstring kioskPath;               // empty: %ProgramFiles%\MyPass Kiosk\MyPassKiosk.exe
  std::wstring kioskAccount = L"MyPassKiosk";
  uint32_t kioskTimeoutSeconds = 900;   // from the Kiosk key, 60-3600
  bool signInAfterReset = false;        // from the Kiosk key, default off
  std::string kioskPolicyJson = "{}";   // the `policy` object sent over the pipe
  std::vector<PolicyNote> notes;
};

Policy LoadPolicy(PolicyStore& store);

}  // namespace mypass
