#include "policy.h"

#include "json-text.h"
#include "wide-text.h"

namespace mypass {
namespace {

constexpr uint32_t kTimeoutMin = 60, kTimeoutMax = 3600;
constexpr size_t kMaxLabel = 100, kMaxSubText = 200, kMaxPath = 260, kMaxAccount = 20;

bool IsBooleanValue(PolicyId id) { return id == PolicyId::OnScreenKeyboard || id == PolicyId::SignInAfterReset; }

bool IsAbsoluteWindowsPath(const std::wstring& p) {
  return p.size() >= 3 && ((p[0] >= L'A' && p[0] <= L'Z') || (p[0] >= L'a' && p[0] <= L'z')) && p[1] == L':' &&
         p[2] == L'\\';
}

bool IsAccountName(const std::wstring& s) {
  if (s.empty() || s.size() > kMaxAccount) return false;
  for (wchar_t c : s) {
    const bool ok = (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z') || (c >= L'0' && c <= L'9') || c == L'_' ||
                    c == L'-' || c == L'.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const std::vector<PolicyValueSpec>& PolicyValueSpecs() {
  static const std::vector<PolicyValueSpec> specs = {
#define MYPASS_POLICY_SPEC(key, name, type, id, field) {PolicyId::id, key, name, type, field},
      MYPASS_POLICY_VALUES(MYPASS_POLICY_SPEC)
#undef MYPASS_POLICY_SPEC
  };
  return specs;
}

Policy LoadPolicy(PolicyStore& store) {
  Policy policy;
  std::string forward = "{";
  auto note = [&](const PolicyValueSpec& spec, const char* problem) { policy.notes.push_back({spec.name, problem}); };

  for (const auto& spec : PolicyValueSpecs()) {
    RegistryRead read = store.Read(spec);
    if (read.state == RegistryRead::State::WrongType) note(spec, "wrong_type");
    if (read.state == RegistryRead::State::Unreadable) note(spec, "unreadable");
    if (read.state != RegistryRead::State::Present) continue;

    switch (spec.id) {
      case PolicyId::Enabled:
        if (read.dword <= 1) policy.enabled = read.dword == 1;
        else note(spec, "out_of_range");
        break;
      case PolicyId::TileLabel:
        if (read.text.size() <= kMaxLabel) policy.tileLabel = read.text;
        else note(spec, "too_long");
        break;
      case PolicyId::TileSubText:
        if (read.text.size() <= kMaxSubText) policy.tileSubText = read.text;
        else note(spec, "too_long");
        break;
      case PolicyId::TileImage:
      case PolicyId::KioskPath: {
        std::wstring& target = spec.id == PolicyId::TileImage ? policy.tileImagePath : policy.kioskPath;
        if (read.text.empty()) break;
        if (read.text.size() > kMaxPath) note(spec, "too_long");
        else if (!IsAbsoluteWindowsPath(read.text)) note(spec, "not_absolute");
        else target = read.text;
        break;
      }
      case PolicyId::KioskAccount:
        if (IsAccountName(read.text)) policy.kioskAccount = read.text;
        else note(spec, "out_of_range");
        break;
      case PolicyId::KioskTimeoutSeconds:
        if (read.dword >= kTimeoutMin && read.dword <= kTimeoutMax) policy.kioskTimeoutSeconds = read.dword;
        else note(spec, "out_of_range");
        break;
      case PolicyId::SignInAfterReset:
        // The kiosk reads a REG_DWORD boolean as `value != 0`; the provider must agree with it.
        policy.signInAfterReset = read.dword != 0;
        break;
      default:
        break;
    }

    if (spec.kioskField[0] == '\0') continue;
    // Forwarded as the kiosk's registry reader would pass it; the kiosk's schema judges the value.
    if (forward.size() > 1) forward.push_back(',');
    AppendJsonString(forward, spec.kioskField);
    forward.push_back(':');
    if (spec.type == REG_DWORD) {
      forward += IsBooleanValue(spec.id) ? (read.dword != 0 ? "true" : "false") : std::to_string(read.dword);
    } else if (spec.type == REG_SZ) {
      AppendJsonString(forward, Utf8FromWide(read.text));
    } else if (spec.id == PolicyId::PinnedCa) {
      std::wstring joined;
      for (size_t i = 0; i < read.list.size(); ++i) joined += (i == 0 ? L"" : L"\n") + read.list[i];
      AppendJsonString(forward, Utf8FromWide(joined));
    } else {
      forward.push_back('[');
      for (size_t i = 0; i < read.list.size(); ++i) {
        if (i > 0) forward.push_back(',');
        AppendJsonString(forward, Utf8FromWide(read.list[i]));
      }
      forward.push_back(']');
    }
  }
  forward.push_back('}');
  policy.kioskPolicyJson = forward;
  return policy;
}

}  // namespace mypass
