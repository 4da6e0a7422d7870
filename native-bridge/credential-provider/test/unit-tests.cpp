// Portable logic of the credential provider: policy, field table, command line, token guard, status
// texts and the pipe protocol against native-bridge/pipe/test-vectors.json (read at run time).
// Built twice: host g++ (build/host/cp-unit-tests) and mingw (build/win64/cp-unit-tests.exe, under wine).
// Usage: cp-unit-tests <path to test-vectors.json>. Prints "N passed, N failed"; exit 0 iff none failed.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../src/json-text.h"
#include "../src/kiosk-command-line.h"
#include "../src/pipe-protocol.h"
#include "../src/policy.h"
#include "../src/tile-fields.h"
#include "../src/token-guard.h"
#include "../src/wide-text.h"

using namespace mypass;

namespace {

int g_passed = 0, g_failed = 0;

void Check(bool ok, const std::string& what) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    std::printf("FAIL %s\n", what.c_str());
  }
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

class MapStore : public PolicyStore {
 public:
  std::map<std::wstring, RegistryRead> values;
  RegistryRead Read(const PolicyValueSpec& spec) override {
    auto it = values.find(std::wstring(spec.key) + L"|" + spec.name);
    return it == values.end() ? RegistryRead{} : it->second;
  }
  void Dword(const wchar_t* key, const wchar_t* name, uint32_t v) {
    RegistryRead r;
    r.state = RegistryRead::State::Present;
    r.dword = v;
    values[std::wstring(key) + L"|" + name] = r;
  }
  void Text(const wchar_t* key, const wchar_t* name, const std::wstring& v) {
    RegistryRead r;
    r.state = RegistryRead::State::Present;
    r.text = v;
    values[std::wstring(key) + L"|" + name] = r;
  }
  void List(const wchar_t* key, const wchar_t* name, const std::vector<std::wstring>& v) {
    RegistryRead r;
    r.state = RegistryRead::State::Present;
    r.list = v;
    values[std::wstring(key) + L"|" + name] = r;
  }
  void Wrong(const wchar_t* key, const wchar_t* name) {
    RegistryRead r;
    r.state = RegistryRead::State::WrongType;
    values[std::wstring(key) + L"|" + name] = r;
  }
};

bool HasNote(const Policy& p, const wchar_t* name, const char* problem) {
  for (const auto& n : p.notes) {
    if (n.valueName == name && n.problem == problem) return true;
  }
  return false;
}

void TestPolicyTable() {
  const auto& specs = PolicyValueSpecs();
  Check(specs.size() == static_cast<size_t>(PolicyId::Count), "table: one spec per id");
  int kiosk = 0, tile = 0;
  for (const auto& s : specs) {
    const std::wstring key = s.key;
    if (key == L"SOFTWARE\\Policies\\MyPass\\Kiosk") ++kiosk;
    if (key == L"SOFTWARE\\Policies\\MyPass\\CredentialProvider") ++tile;
    Check(s.type == REG_DWORD || s.type == REG_SZ || s.type == REG_MULTI_SZ, "table: explicit type");
  }
  Check(kiosk == 12, "table: the 12 kiosk README values");
  Check(tile == 6, "table: 6 tile values");
}

void TestPolicyDefaultsAndFallbacks() {
  MapStore empty;
  Policy p = LoadPolicy(empty);
  Check(!p.enabled, "policy absent: tile disabled");
  Check(p.kioskTimeoutSeconds == 900, "policy absent: timeout 900");
  Check(!p.signInAfterReset, "policy absent: sign in after reset off");
  Check(p.kioskAccount == L"MyPassKiosk", "policy absent: account MyPassKiosk");
  Check(p.kioskPolicyJson == "{}", "policy absent: empty kiosk policy");
  Check(p.notes.empty(), "policy absent: nothing to log");

  MapStore s;
  s.Dword(MYPASS_KEY_CREDENTIAL_PROVIDER, L"Enabled", 7);
  s.Dword(MYPASS_KEY_KIOSK, L"KioskTimeoutSeconds", 5);
  s.Wrong(MYPASS_KEY_CREDENTIAL_PROVIDER, L"TileLabel");
  s.Text(MYPASS_KEY_CREDENTIAL_PROVIDER, L"TileSubText", std::wstring(201, L'x'));
  s.Text(MYPASS_KEY_CREDENTIAL_PROVIDER, L"KioskPath", L"relative\\kiosk.exe");
  s.Text(MYPASS_KEY_CREDENTIAL_PROVIDER, L"KioskAccount", L"bad name!");
  p = LoadPolicy(s);
  Check(!p.enabled && HasNote(p, L"Enabled", "out_of_range"), "Enabled=7: default and noted");
  Check(p.kioskTimeoutSeconds == 900 && HasNote(p, L"KioskTimeoutSeconds", "out_of_range"), "timeout 5: default 900");
  Check(p.tileLabel.empty() && HasNote(p, L"TileLabel", "wrong_type"), "wrong type label: default and noted");
  Check(p.tileSubText.empty() && HasNote(p, L"TileSubText", "too_long"), "sub text too long");
  Check(p.kioskPath.empty() && HasNote(p, L"KioskPath", "not_absolute"), "relative kiosk path refused");
  Check(p.kioskAccount == L"MyPassKiosk" && HasNote(p, L"KioskAccount", "out_of_range"), "bad account name");
  Check(p.kioskPolicyJson == "{\"kioskTimeoutSeconds\":5}", "kiosk values forwarded as read (kiosk judges)");

  MapStore ok;
  ok.Dword(MYPASS_KEY_CREDENTIAL_PROVIDER, L"Enabled", 1);
  ok.Text(MYPASS_KEY_CREDENTIAL_PROVIDER, L"TileLabel", L"Password help");
  ok.Text(MYPASS_KEY_CREDENTIAL_PROVIDER, L"KioskPath", L"C:\\Program Files\\MyPass Kiosk\\MyPassKiosk.exe");
  ok.Dword(MYPASS_KEY_KIOSK, L"KioskTimeoutSeconds", 120);
  ok.Dword(MYPASS_KEY_KIOSK, L"SignInAfterReset", 1);
  ok.Dword(MYPASS_KEY_KIOSK, L"OnScreenKeyboard", 0);
  ok.Text(MYPASS_KEY_KIOSK, L"RunMode", L"standing");
  ok.Text(MYPASS_KEY_KIOSK, L"HelpdeskText", L"Call \"IT\"\n\u00f8");
  p = LoadPolicy(ok);
  Check(p.enabled && p.tileLabel == L"Password help" && p.kioskTimeoutSeconds == 120 && p.signInAfterReset,
        "valid tile policy read");
  Check(p.kioskPolicyJson ==
            "{\"onScreenKeyboard\":false,\"helpdeskText\":\"Call \\\"IT\\\"\\n\xc3\xb8\",\"kioskTimeoutSeconds\":120,"
            "\"signInAfterReset\":true}",
        "kiosk policy JSON: booleans, escapes, RunMode never forwarded: " + p.kioskPolicyJson);
}

void TestFieldsAndTexts() {
  Check(FieldSpecAt(kFieldLink).type == FieldType::CommandLink, "field: command link");
  Check(FieldSpecAt(kFieldImage).type == FieldType::TileImage && FieldSpecAt(kFieldImage).guid == FieldGuid::ProviderLogo,
        "field: tile image with logo guid");
  Check(FieldSpecAt(kFieldLabel).guid == FieldGuid::ProviderLabel, "field: label guid");
  Check(FieldSpecAt(kFieldStatus).state == FieldState::SelectedTile, "field: status in selected tile");
  for (uint32_t i = 0; i < kFieldCount; ++i) Check(FieldSpecAt(i).id == i, "field ids are indexes");
  Check(std::wstring(BuiltInTexts(0x07).label) == L"Kennwort vergessen?", "German label");
  Check(std::wstring(BuiltInTexts(0x11).label) == L"Forgot password?", "unknown language: English");
}

void TestCommandLine() {
  Check(QuoteArgument(L"plain") == L"plain", "quote: plain");
  Check(QuoteArgument(L"C:\\Program Files\\x.exe") == L"\"C:\\Program Files\\x.exe\"", "quote: spaces");
  Check(QuoteArgument(L"a\"b") == L"\"a\\\"b\"", "quote: inner quote");
  Check(QuoteArgument(L"C:\\dir with space\\") == L"\"C:\\dir with space\\\\\"", "quote: trailing backslash doubled");
  Check(QuoteArgument(L"") == L"\"\"", "quote: empty");
  const unsigned char random[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255};
  const std::wstring pipe = PipeNameFromRandom(random);
  Check(pipe == L"\\\\.\\pipe\\MyPass-000102030405060708090a0b0c0d0eff", "pipe name: 128-bit hex");
  Check(BuildKioskCommandLine(L"C:\\K K\\k.exe", pipe, "Zm9yLXRlc3RzLW9ubHktbm9uY2U") ==
            L"\"C:\\K K\\k.exe\" --mypass-pipe=\\\\.\\pipe\\MyPass-000102030405060708090a0b0c0d0eff "
            L"--mypass-nonce=Zm9yLXRlc3RzLW9ubHktbm9uY2U",
        "kiosk command line");
  Check(Base64Url({'f', 'o', 'r'}) == "Zm9y" && Base64Url({0xfb, 0xff}) == "-_8", "base64url");
  Check(Base64Url(std::vector<unsigned char>(32, 7)).size() == 43, "32-byte nonce: 43 chars");
  Check(IsValidNonce("Zm9yLXRlc3RzLW9ubHktbm9uY2U") && !IsValidNonce("short") && !IsValidNonce(std::string(20, '+')),
        "nonce form");
}

void TestTokenGuard() {
  const TokenFacts provider{L"S-1-5-18", 0x3e7};
  const std::wstring account = L"S-1-5-21-1-2-3-1001";
  Check(CheckKioskToken({account, 0x123456}, provider, account) == TokenVerdict::Ok, "guard: kiosk account ok");
  Check(CheckKioskToken({L"S-1-5-18", 0x3e7}, provider, account) == TokenVerdict::ServiceAccount, "guard: SYSTEM refused");
  Check(CheckKioskToken({account, 0x3e7}, provider, account) == TokenVerdict::ServiceAccount, "guard: SYSTEM session refused");
  Check(CheckKioskToken({L"S-1-5-19", 9}, provider, account) == TokenVerdict::ServiceAccount, "guard: LocalService");
  const TokenFacts userProvider{L"S-1-5-21-1-2-3-500", 0x999};
  Check(CheckKioskToken({L"S-1-5-21-1-2-3-500", 0x1000}, userProvider, account) == TokenVerdict::SameUserAsProvider,
        "guard: provider's own user refused");
  Check(CheckKioskToken({account, 0x999}, userProvider, account) == TokenVerdict::SameLogonSession,
        "guard: provider's logon session refused");
  Check(CheckKioskToken({L"S-1-5-21-1-2-3-1002", 5}, provider, account) == TokenVerdict::NotKioskAccount,
        "guard: another account refused");
  Check(CheckKioskToken({account, 5}, provider, L"") == TokenVerdict::NotKioskAccount, "guard: unknown account refused");
  Check(CheckKioskToken({account, 5, true}, provider, account) == TokenVerdict::Administrator, "guard: administrator refused");
  Check(std::string(TokenVerdictCode(TokenVerdict::Administrator)) == "token_administrator", "guard: stable code");
  // An adopted account: plain user groups and privileges pass; each powerful one is refused on its own.
  const std::vector<std::wstring> userGroups = {L"S-1-1-0", L"S-1-5-32-545", L"S-1-5-4", L"S-1-5-11", L"S-1-5-21-1-2-3-513"};
  const std::vector<std::wstring> userPrivileges = {L"SeChangeNotifyPrivilege", L"SeIncreaseWorkingSetPrivilege",
                                                    L"SeTimeZonePrivilege", L"SeShutdownPrivilege", L"SeUndockPrivilege"};
  Check(CheckKioskToken({account, 5, false, userGroups, userPrivileges}, provider, account) == TokenVerdict::Ok,
        "guard: ordinary user groups and privileges ok");
  for (const wchar_t* group : {L"S-1-5-32-551", L"S-1-5-32-549", L"S-1-5-32-548", L"S-1-5-32-550", L"S-1-5-32-547",
                               L"S-1-5-21-1-2-3-512", L"S-1-5-21-1-2-3-519", L"S-1-5-114"}) {
    auto groups = userGroups;
    groups.push_back(group);
    Check(CheckKioskToken({account, 5, false, groups, userPrivileges}, provider, account) == TokenVerdict::PrivilegedGroup,
          "guard: group refused " + Utf8FromWide(group));
  }
  Check(CheckKioskToken({account, 5, false, {L"S-1-5-32-544"}, {}}, provider, account) == TokenVerdict::Administrator,
        "guard: Administrators in the group list refused");
  for (const wchar_t* privilege :
       {L"SeDebugPrivilege", L"SeBackupPrivilege", L"SeRestorePrivilege", L"SeTakeOwnershipPrivilege", L"SeImpersonatePrivilege",
        L"SeLoadDriverPrivilege", L"SeTcbPrivilege", L"SeAssignPrimaryTokenPrivilege", L"SeCreateTokenPrivilege"}) {
    auto privileges = userPrivileges;
    privileges.push_back(privilege);
    Check(CheckKioskToken({account, 5, false, userGroups, privileges}, provider, account) == TokenVerdict::PowerfulPrivilege,
          "guard: privilege refused " + Utf8FromWide(privilege));
  }
  Check(std::string(TokenVerdictCode(TokenVerdict::PrivilegedGroup)) == "token_privileged_group" &&
            std::string(TokenVerdictCode(TokenVerdict::PowerfulPrivilege)) == "token_powerful_privilege",
        "guard: stable codes for groups and privileges");
}

void TestStatusTexts() {
  RunReport r;
  r.ended = RunReport::Ended::Result;
  r.outcome = Outcome::Completed;
  r.hasPassword = true;
  Check(DescribeRun(r, true).signIn, "completed reset + password + policy on: sign in");
  Check(!DescribeRun(r, false).signIn, "policy off: never sign in");
  r.purpose = Purpose::Enroll;
  Check(!DescribeRun(r, true).signIn, "enroll: never sign in");
  r.outcome = Outcome::Cancelled;
  Check(DescribeRun(r, true).text.empty(), "cancelled: no status text");
  RunReport none;
  for (uint32_t code : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 70u}) {
    none.exitCode = code;
    const TileStatus s = DescribeRun(none, true);
    Check(!s.signIn && (code == 1 ? s.text.empty() : !s.text.empty()), "exit code " + std::to_string(code) + " text");
  }
  none.exitCode = 3;
  Check(DescribeRun(none, false).text.find(L"not configured") != std::wstring::npos, "exit 3: configuration text");
  RunReport failed;
  failed.ended = RunReport::Ended::LaunchFailed;
  failed.launchError = "kiosk_account_token";
  Check(DescribeRun(failed, false).text.find(L"kiosk_account_token") != std::wstring::npos, "launch failure names code");
}

void TestLocalizedStatusTexts() {
  RunReport changed;
  changed.ended = RunReport::Ended::Result;
  changed.outcome = Outcome::Completed;
  Check(DescribeRun(changed, false, 0x07).text == L"Ihr Kennwort wurde ge\u00e4ndert. Melden Sie sich mit Ihrem neuen Kennwort an.",
        "status: German uses Windows' Kennwort/anmelden");
  Check(DescribeRun(changed, false, 0x0c).text.find(L"mot de passe") != std::wstring::npos, "status: French");
  Check(DescribeRun(changed, false, 0x19).text == DescribeRun(changed, false).text, "status: other languages fall back to English");
  RunReport failed;
  failed.ended = RunReport::Ended::LaunchFailed;
  failed.launchError = "token_powerful_privilege";
  const uint16_t languages[] = {0x09, 0x07, 0x0c, 0x0a, 0x10, 0x13, 0x06, 0x1d, 0x14, 0x0b, 0x16, 0x15};
  for (const uint16_t language : languages) {
    const StatusTexts& t = BuiltInStatusTexts(language);
    const wchar_t* all[] = {t.couldNotStart, t.timeLimit,    t.enrolled,      t.signingIn, t.changed,
                            t.inactivity,    t.couldNotFinish, t.stopped,     t.notConfigured, t.debugging,
                            t.alreadyRunning, t.notVerified, t.alreadyOpen};
    bool complete = true, translated = true;
    const StatusTexts& en = BuiltInStatusTexts(0x09);
    const wchar_t* english[] = {en.couldNotStart, en.timeLimit,    en.enrolled,      en.signingIn, en.changed,
                                en.inactivity,    en.couldNotFinish, en.stopped,     en.notConfigured, en.debugging,
                                en.alreadyRunning, en.notVerified, en.alreadyOpen};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) {
      complete = complete && all[i] != nullptr && all[i][0] != 0;
      translated = translated && (language == 0x09 || std::wstring(all[i]) != english[i]);
    }
    const std::string name = "status language " + std::to_string(language);
    Check(complete, name + ": every text present");
    Check(translated, name + ": every text translated");
    Check(DescribeRun(failed, false, language).text == std::wstring(t.couldNotStart) + L" (token_powerful_privilege)",
          name + ": the launch error code is kept");
  }
}

void TestJsonAndUtf8() {
  Check(!ParseJson("{\"a\":1,\"a\":2}"), "json: duplicate member refused");
  Check(!ParseJson(std::string(40, '[') + std::string(40, ']')), "json: nesting limited");
  Check(!ParseJson("{\"a\":\"\\ud800\"}"), "json: lone surrogate refused");
  auto v = ParseJson("{\"a\":\"\\u00f8\\ud83d\\ude00\"}");
  Check(v && v->Find("a") && v->Find("a")->text == "\xc3\xb8\xf0\x9f\x98\x80", "json: escapes decode to UTF-8");
  Check(!IsValidUtf8("\xc0\xaf") && !IsValidUtf8("\xed\xa0\x80") && IsValidUtf8("\xc3\xb8"), "utf8: strict");
  auto w = WideFromUtf8("\xf0\x9f\x98\x80");
  Check(w && Utf8FromWide(*w) == "\xf0\x9f\x98\x80", "utf8: astral round trip");
}

void TestVectors(const JsonValue& vectors) {
  const std::string nonce = vectors.Find("nonce")->text;
  Check(vectors.Find("maxFrameBytes")->number == kMaxFrameBytes, "vectors: frame limit equals ours");

  // resultToProvider: parse the exact frames the kiosk writes.
  int parsed = 0;
  for (const auto& v : vectors.Find("resultToProvider")->items) {
    const std::string name = v.Find("name")->text;
    std::string payload = v.Find("payload")->text;
    const JsonValue* input = v.Find("input");
    if (const JsonValue* hex = v.Find("frameHex")) {
      const std::string frame = FromHex(hex->text);
      Check(frame == EncodeFrame(payload), name + ": frame bytes");
      const auto len = FrameLengthFromHeader(reinterpret_cast<const unsigned char*>(frame.data()));
      Check(len && *len == payload.size(), name + ": header length");
    }
    std::string copy = payload;
    KioskResult r;
    const PipeError e = ParseResultMessage(copy, nonce, r);
    Check(e == PipeError::None, name + ": parses");
    Check(copy.empty(), name + ": body wiped");
    const std::string outcome = input->Find("outcome")->text;
    const Outcome expected = outcome == "completed" ? Outcome::Completed
                             : outcome == "cancelled" ? Outcome::Cancelled
                             : outcome == "timeout"   ? Outcome::Timeout
                                                      : Outcome::Error;
    Check(r.outcome == expected, name + ": outcome");
    Check(r.purpose == (input->Find("purpose")->text == "enroll" ? Purpose::Enroll : Purpose::Reset), name + ": purpose");
    if (const JsonValue* user = input->Find("userName")) {
      Check(r.userName && Utf8FromWide(*r.userName) == user->text, name + ": user name");
    } else {
      Check(!r.userName, name + ": no user name");
    }
    const bool passwordInFrame = payload.find("\"newPassword\"") != std::string::npos;
    Check(r.newPassword.Empty() != passwordInFrame, name + ": password present iff sent");
    if (passwordInFrame) Check(Utf8FromWide(r.newPassword.Value()) == input->Find("newPassword")->text, name + ": password");

    std::string wrongNonce = payload;
    KioskResult ignored;
    Check(ParseResultMessage(wrongNonce, "c29tZW9uZS1lbHNlcy1ub25jZQ", ignored) == PipeError::NonceMismatch &&
              ignored.newPassword.Empty(),
          name + ": another nonce is nonce_mismatch, nothing kept");
    ++parsed;
  }
  Check(parsed >= 6, "vectors: every result vector ran");

  // policyToKiosk: build the frames the provider sends; refuse what it must never produce.
  for (const auto& v : vectors.Find("policyToKiosk")->items) {
    const std::string name = v.Find("name")->text;
    const JsonValue* payload = v.Find("payload");
    const JsonValue* hex = v.Find("frameHex");
    if (hex != nullptr) {
      const std::string frame = FromHex(hex->text);
      const std::string code = v.Find("expect")->Find("code")->text;
      const auto len = frame.size() >= 4 ? FrameLengthFromHeader(reinterpret_cast<const unsigned char*>(frame.data()))
                                         : std::nullopt;
      if (code == "frame_too_large") Check(!len, name + ": header refused");
      if (code == "message_invalid") {
        Check(len.has_value() && !IsValidUtf8(frame.substr(4)), name + ": body is not UTF-8");
        std::string body = frame.substr(4);
        KioskResult r;
        Check(ParseResultMessage(body, nonce, r) == PipeError::MessageInvalid, name + ": provider refuses it too");
      }
      if (code == "pipe_closed") Check(len && *len > frame.size() - 4, name + ": announces more than it sends");
      continue;
    }
    if (payload == nullptr) continue;  // "silent": nothing to build
    auto message = ParseJson(payload->text);
    const bool buildable = message && message->kind == JsonValue::Kind::Object && message->members.size() == 3 &&
                           message->Find("version") && message->Find("version")->text == "1" &&
                           message->Find("nonce") && message->Find("policy");
    if (!buildable) {
      // garbage / version 2 / extra member: BuildPolicyMessage cannot produce these shapes.
      const std::string built = BuildPolicyMessage(nonce, "{}");
      Check(built != payload->text && ParseJson(built).has_value(), name + ": never produced by the provider");
      continue;
    }
    // Rebuild the policy object from registry values the way LoadPolicy does, then the whole message.
    MapStore store;
    const JsonValue& policy = *message->Find("policy");
    for (const auto& m : policy.members) {
      for (const auto& spec : PolicyValueSpecs()) {
        if (m.first != spec.kioskField) continue;
        const JsonValue& val = m.second;
        if (val.kind == JsonValue::Kind::Bool) store.Dword(spec.key, spec.name, val.boolean ? 1 : 0);
        else if (val.kind == JsonValue::Kind::Number) store.Dword(spec.key, spec.name, static_cast<uint32_t>(val.number));
        else if (val.kind == JsonValue::Kind::String && spec.type == REG_MULTI_SZ)
          store.List(spec.key, spec.name, {*WideFromUtf8(val.text)});
        else if (val.kind == JsonValue::Kind::String) store.Text(spec.key, spec.name, *WideFromUtf8(val.text));
        else if (val.kind == JsonValue::Kind::Array) {
          std::vector<std::wstring> list;
          for (const auto& item : val.items) list.push_back(*WideFromUtf8(item.text));
          store.List(spec.key, spec.name, list);
        }
      }
    }
    const Policy loaded = LoadPolicy(store);
    const std::string built = BuildPolicyMessage(message->Find("nonce")->text, loaded.kioskPolicyJson);
    Check(built == payload->text, name + ": built frame equals the vector byte for byte");
    Check(EncodeFrame(built).size() == built.size() + 4, name + ": framed");
  }
}

void TestResultRefusals(const std::string& nonce) {
  auto code = [&](std::string body) {
    KioskResult r;
    return ParseResultMessage(body, nonce, r);
  };
  const std::string head = "{\"version\":1,\"nonce\":\"" + nonce + "\",";
  Check(code(head + "\"outcome\":\"completed\",\"purpose\":\"reset\",\"debug\":1}") == PipeError::MessageInvalid, "extra member");
  Check(code("{\"version\":2,\"nonce\":\"" + nonce + "\",\"outcome\":\"error\",\"purpose\":\"reset\"}") == PipeError::MessageInvalid,
        "version 2");
  Check(code(head + "\"outcome\":\"won\",\"purpose\":\"reset\"}") == PipeError::MessageInvalid, "unknown outcome");
  Check(code(head + "\"outcome\":\"cancelled\",\"purpose\":\"reset\",\"userName\":\"a\",\"newPassword\":\"x\"}") ==
            PipeError::MessageInvalid,
        "password with cancelled refused");
  Check(code(head + "\"outcome\":\"completed\",\"purpose\":\"enroll\",\"userName\":\"a\",\"newPassword\":\"x\"}") ==
            PipeError::MessageInvalid,
        "password with enroll refused");
  Check(code(head + "\"outcome\":\"completed\",\"purpose\":\"reset\",\"newPassword\":\"x\"}") == PipeError::MessageInvalid,
        "password without user refused");
  Check(code(head + "\"outcome\":\"completed\",\"purpose\":\"reset\",\"userName\":\"" + std::string(300, 'u') + "\"}") ==
            PipeError::MessageInvalid,
        "over-long user name refused");
  Check(code("this is not json") == PipeError::MessageInvalid, "garbage");
  Check(code("[1]") == PipeError::MessageInvalid, "not an object");
  const unsigned char big[4] = {0x01, 0x00, 0x01, 0x00};
  const unsigned char max[4] = {0x00, 0x00, 0x01, 0x00};
  Check(!FrameLengthFromHeader(big) && FrameLengthFromHeader(max) == 65536u, "frame limit 65536 inclusive");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::printf("usage: cp-unit-tests <test-vectors.json>\n");
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  auto vectors = ParseJson(text.str());
  Check(vectors.has_value(), "test-vectors.json parses");

  TestPolicyTable();
  TestPolicyDefaultsAndFallbacks();
  TestFieldsAndTexts();
  TestCommandLine();
  TestTokenGuard();
  TestStatusTexts();
  TestLocalizedStatusTexts();
  TestJsonAndUtf8();
  if (vectors) {
    TestVectors(*vectors);
    TestResultRefusals(vectors->Find("nonce")->text);
  }
  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
