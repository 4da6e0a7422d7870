#include "tile-fields.h"

namespace mypass {
namespace {

const FieldSpec kFields[kFieldCount] = {
    {kFieldImage, FieldType::TileImage, FieldState::Both, FieldGuid::ProviderLogo, L"Image"},
    {kFieldLabel, FieldType::LargeText, FieldState::Both, FieldGuid::ProviderLabel, L"Label"},
    {kFieldSubText, FieldType::SmallText, FieldState::Both, FieldGuid::None, L"Description"},
    {kFieldStatus, FieldType::SmallText, FieldState::SelectedTile, FieldGuid::None, L"Status"},
    {kFieldLink, FieldType::CommandLink, FieldState::SelectedTile, FieldGuid::None, L"Start"},
};

struct LanguageTexts {
  uint16_t primaryLanguage;
  TileTexts texts;
};

// LANG_* primary ids from winnt.h; the kiosk itself offers all 36 languages.
const LanguageTexts kTexts[] = {
    {0x09, {L"Forgot password?", L"Reset your password or set up MyPass", L"Start"}},
    {0x07, {L"Kennwort vergessen?", L"Kennwort zur\u00fccksetzen oder MyPass einrichten", L"Starten"}},
    {0x0c, {L"Mot de passe oubli\u00e9\u00a0?", L"R\u00e9initialiser votre mot de passe ou configurer MyPass", L"Commencer"}},
    {0x0a, {L"\u00bfHa olvidado la contrase\u00f1a?", L"Restablezca su contrase\u00f1a o configure MyPass", L"Empezar"}},
    {0x10, {L"Password dimenticata?", L"Reimposta la password o configura MyPass", L"Inizia"}},
    {0x13, {L"Wachtwoord vergeten?", L"Stel uw wachtwoord opnieuw in of stel MyPass in", L"Starten"}},
    {0x06, {L"Glemt adgangskode?", L"Nulstil din adgangskode, eller konfigurer MyPass", L"Start"}},
    {0x1d, {L"Gl\u00f6mt l\u00f6senordet?", L"\u00c5terst\u00e4ll ditt l\u00f6senord eller konfigurera MyPass", L"Starta"}},
    {0x14, {L"Glemt passordet?", L"Tilbakestill passordet eller konfigurer MyPass", L"Start"}},
    {0x0b, {L"Unohditko salasanan?", L"Palauta salasana tai ota MyPass k\u00e4ytt\u00f6\u00f6n", L"Aloita"}},
    {0x16, {L"Esqueceu-se da palavra-passe?", L"Reponha a palavra-passe ou configure o MyPass", L"Iniciar"}},
    {0x15, {L"Nie pami\u0119tasz has\u0142a?", L"Zresetuj has\u0142o lub skonfiguruj MyPass", L"Rozpocznij"}},
};

}  // namespace

const FieldSpec& FieldSpecAt(uint32_t index) { return kFields[index < kFieldCount ? index : 0]; }

const TileTexts& BuiltInTexts(uint16_t primaryLanguage) {
  for (const auto& entry : kTexts) {
    if (entry.primaryLanguage == primaryLanguage) return entry.texts;
  }
  return kTexts[0].texts;
}

TileStatus DescribeRun(const RunReport& report, bool signInAfterReset) {
  using Icon = TileStatus::Icon;
  switch (report.ended) {
    case RunReport::Ended::LaunchFailed:
      return {L"MyPass could not start. Please contact your helpdesk. (" +
                  std::wstring(report.launchError.begin(), report.launchError.end()) + L")",
              Icon::Error, false};
    case RunReport::Ended::KilledAfterTimeout:
      return {L"MyPass was closed because its time limit passed.", Icon::Warning, false};
    case RunReport::Ended::Result:
      if (!report.outcome) break;
      switch (*report.outcome) {
        case Outcome::Completed:
          if (report.purpose == Purpose::Enroll) return {L"MyPass is set up for your account.", Icon::Success, false};
          if (signInAfterReset && report.hasPassword) return {L"Your password was changed. Signing you in\u2026", Icon::Success, true};
          return {L"Your password was changed. Sign in with your new password.", Icon::Success, false};
        case Outcome::Cancelled:
          return {L"", Icon::None, false};
        case Outcome::Timeout:
          return {L"MyPass closed after a period of inactivity.", Icon::Warning, false};
        case Outcome::Error:
          return {L"MyPass could not finish. Please try again or contact your helpdesk.", Icon::Error, false};
      }
      break;
    case RunReport::Ended::NoResult:
      break;
  }
  // No (valid) result: the kiosk's exit code tells why (PROTOCOL.md table).
  const uint32_t code = report.exitCode.value_or(70);
  switch (code) {
    case 0:
    case 70:
      return {L"MyPass stopped unexpectedly. Please try again.", Icon::Error, false};
    case 1:
      return {L"", Icon::None, false};
    case 2:
      return {L"MyPass closed after a period of inactivity.", Icon::Warning, false};
    case 3:
      return {L"MyPass is not configured on this computer. Please contact your helpdesk.", Icon::Error, false};
    case 4:
      return {L"MyPass refused to start with debugging switches.", Icon::Error, false};
    case 5:
      return {L"MyPass is already running.", Icon::Warning, false};
    case 6:
      return {L"MyPass could not verify this computer's sign-in screen. Please contact your helpdesk.", Icon::Error, false};
    default:
      return {L"MyPass stopped unexpectedly. Please try again.", Icon::Error, false};
  }
}

}  // namespace mypass
