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


struct LanguageStatus {
  uint16_t primaryLanguage;
  StatusTexts texts;
};

// Windows' own sign-in wording per language (Kennwort/anmelden, mot de passe/se connecter, ...).
const LanguageStatus kStatus[] = {
    {0x09,
     {L"MyPass could not start. Please contact your helpdesk.", L"MyPass was closed because its time limit passed.",
      L"MyPass is set up for your account.", L"Your password was changed. Signing you in\u2026",
      L"Your password was changed. Sign in with your new password.", L"MyPass closed after a period of inactivity.",
      L"MyPass could not finish. Please try again or contact your helpdesk.", L"MyPass stopped unexpectedly. Please try again.",
      L"MyPass is not configured on this computer. Please contact your helpdesk.",
      L"MyPass refused to start with debugging switches.", L"MyPass is already running.",
      L"MyPass could not verify this computer's sign-in screen. Please contact your helpdesk.", L"MyPass is already open."}},
    {0x07,
     {L"MyPass konnte nicht gestartet werden. Wenden Sie sich an Ihren Helpdesk.",
      L"MyPass wurde geschlossen, weil das Zeitlimit abgelaufen ist.", L"MyPass ist f\u00fcr Ihr Konto eingerichtet.",
      L"Ihr Kennwort wurde ge\u00e4ndert. Sie werden angemeldet\u2026",
      L"Ihr Kennwort wurde ge\u00e4ndert. Melden Sie sich mit Ihrem neuen Kennwort an.",
      L"MyPass wurde nach l\u00e4ngerer Inaktivit\u00e4t geschlossen.",
      L"MyPass konnte nicht abgeschlossen werden. Versuchen Sie es erneut, oder wenden Sie sich an Ihren Helpdesk.",
      L"MyPass wurde unerwartet beendet. Versuchen Sie es erneut.",
      L"MyPass ist auf diesem Computer nicht konfiguriert. Wenden Sie sich an Ihren Helpdesk.",
      L"MyPass wurde nicht gestartet, weil Debugoptionen angegeben wurden.", L"MyPass wird bereits ausgef\u00fchrt.",
      L"MyPass konnte den Anmeldebildschirm dieses Computers nicht \u00fcberpr\u00fcfen. Wenden Sie sich an Ihren Helpdesk.",
      L"MyPass ist bereits ge\u00f6ffnet."}},
    {0x0c,
     {L"Impossible de d\u00e9marrer MyPass. Contactez votre support technique.",
      L"MyPass a \u00e9t\u00e9 ferm\u00e9, car le d\u00e9lai imparti est \u00e9coul\u00e9.",
      L"MyPass est configur\u00e9 pour votre compte.", L"Votre mot de passe a \u00e9t\u00e9 modifi\u00e9. Connexion en cours\u2026",
      L"Votre mot de passe a \u00e9t\u00e9 modifi\u00e9. Connectez-vous avec votre nouveau mot de passe.",
      L"MyPass a \u00e9t\u00e9 ferm\u00e9 apr\u00e8s une p\u00e9riode d\u2019inactivit\u00e9.",
      L"MyPass n\u2019a pas pu terminer. R\u00e9essayez ou contactez votre support technique.",
      L"MyPass s\u2019est arr\u00eat\u00e9 de mani\u00e8re inattendue. R\u00e9essayez.",
      L"MyPass n\u2019est pas configur\u00e9 sur cet ordinateur. Contactez votre support technique.",
      L"MyPass a refus\u00e9 de d\u00e9marrer avec des options de d\u00e9bogage.", L"MyPass est d\u00e9j\u00e0 en cours d\u2019ex\u00e9cution.",
      L"MyPass n\u2019a pas pu v\u00e9rifier l\u2019\u00e9cran de connexion de cet ordinateur. Contactez votre support technique.",
      L"MyPass est d\u00e9j\u00e0 ouvert."}},
    {0x0a,
     {L"No se pudo iniciar MyPass. P\u00f3ngase en contacto con el departamento de soporte t\u00e9cnico.",
      L"MyPass se cerr\u00f3 porque se agot\u00f3 el tiempo l\u00edmite.", L"MyPass est\u00e1 configurado para su cuenta.",
      L"Se cambi\u00f3 la contrase\u00f1a. Iniciando sesi\u00f3n\u2026",
      L"Se cambi\u00f3 la contrase\u00f1a. Inicie sesi\u00f3n con la nueva contrase\u00f1a.",
      L"MyPass se cerr\u00f3 tras un per\u00edodo de inactividad.",
      L"MyPass no pudo finalizar. Vuelva a intentarlo o p\u00f3ngase en contacto con el departamento de soporte t\u00e9cnico.",
      L"MyPass se detuvo de forma inesperada. Vuelva a intentarlo.",
      L"MyPass no est\u00e1 configurado en este equipo. P\u00f3ngase en contacto con el departamento de soporte t\u00e9cnico.",
      L"MyPass no se inici\u00f3 porque se especificaron opciones de depuraci\u00f3n.", L"MyPass ya se est\u00e1 ejecutando.",
      L"MyPass no pudo comprobar la pantalla de inicio de sesi\u00f3n de este equipo. P\u00f3ngase en contacto con el departamento de soporte t\u00e9cnico.",
      L"MyPass ya est\u00e1 abierto."}},
    {0x10,
     {L"Impossibile avviare MyPass. Contatta l'helpdesk.", L"MyPass \u00e8 stato chiuso perch\u00e9 il tempo limite \u00e8 scaduto.",
      L"MyPass \u00e8 configurato per il tuo account.", L"La password \u00e8 stata cambiata. Accesso in corso\u2026",
      L"La password \u00e8 stata cambiata. Accedi con la nuova password.",
      L"MyPass \u00e8 stato chiuso dopo un periodo di inattivit\u00e0.",
      L"MyPass non ha potuto completare l'operazione. Riprova o contatta l'helpdesk.",
      L"MyPass si \u00e8 arrestato in modo imprevisto. Riprova.",
      L"MyPass non \u00e8 configurato in questo computer. Contatta l'helpdesk.",
      L"MyPass non \u00e8 stato avviato perch\u00e9 sono state specificate opzioni di debug.", L"MyPass \u00e8 gi\u00e0 in esecuzione.",
      L"MyPass non ha potuto verificare la schermata di accesso di questo computer. Contatta l'helpdesk.",
      L"MyPass \u00e8 gi\u00e0 aperto."}},
    {0x13,
     {L"MyPass kan niet worden gestart. Neem contact op met uw helpdesk.",
      L"MyPass is gesloten omdat de tijdslimiet is verstreken.", L"MyPass is ingesteld voor uw account.",
      L"Uw wachtwoord is gewijzigd. U wordt aangemeld\u2026",
      L"Uw wachtwoord is gewijzigd. Meld u aan met uw nieuwe wachtwoord.",
      L"MyPass is gesloten na een periode van inactiviteit.",
      L"MyPass kan niet worden voltooid. Probeer het opnieuw of neem contact op met uw helpdesk.",
      L"MyPass is onverwacht gestopt. Probeer het opnieuw.",
      L"MyPass is niet geconfigureerd op deze computer. Neem contact op met uw helpdesk.",
      L"MyPass is niet gestart omdat er foutopsporingsopties zijn opgegeven.", L"MyPass wordt al uitgevoerd.",
      L"MyPass kan het aanmeldingsscherm van deze computer niet controleren. Neem contact op met uw helpdesk.",
      L"MyPass is al geopend."}},
    {0x06,
     {L"MyPass kunne ikke starte. Kontakt din helpdesk.", L"MyPass blev lukket, fordi tidsgr\u00e6nsen blev overskredet.",
      L"MyPass er konfigureret til din konto.", L"Din adgangskode er \u00e6ndret. Du logges p\u00e5\u2026",
      L"Din adgangskode er \u00e6ndret. Log p\u00e5 med din nye adgangskode.",
      L"MyPass blev lukket efter en periode uden aktivitet.",
      L"MyPass kunne ikke fuldf\u00f8re. Pr\u00f8v igen, eller kontakt din helpdesk.",
      L"MyPass stoppede uventet. Pr\u00f8v igen.",
      L"MyPass er ikke konfigureret p\u00e5 denne computer. Kontakt din helpdesk.",
      L"MyPass startede ikke, fordi der blev angivet fejlfindingsindstillinger.", L"MyPass k\u00f8rer allerede.",
      L"MyPass kunne ikke kontrollere denne computers logonsk\u00e6rm. Kontakt din helpdesk.", L"MyPass er allerede \u00e5ben."}},
    {0x1d,
     {L"Det gick inte att starta MyPass. Kontakta din helpdesk.", L"MyPass st\u00e4ngdes eftersom tidsgr\u00e4nsen passerades.",
      L"MyPass \u00e4r konfigurerat f\u00f6r ditt konto.", L"Ditt l\u00f6senord har \u00e4ndrats. Du loggas in\u2026",
      L"Ditt l\u00f6senord har \u00e4ndrats. Logga in med ditt nya l\u00f6senord.",
      L"MyPass st\u00e4ngdes efter en period av inaktivitet.",
      L"MyPass kunde inte slutf\u00f6ras. F\u00f6rs\u00f6k igen eller kontakta din helpdesk.",
      L"MyPass avslutades ov\u00e4ntat. F\u00f6rs\u00f6k igen.",
      L"MyPass \u00e4r inte konfigurerat p\u00e5 den h\u00e4r datorn. Kontakta din helpdesk.",
      L"MyPass startades inte eftersom fels\u00f6kningsalternativ angavs.", L"MyPass k\u00f6rs redan.",
      L"MyPass kunde inte verifiera inloggningssk\u00e4rmen p\u00e5 den h\u00e4r datorn. Kontakta din helpdesk.",
      L"MyPass \u00e4r redan \u00f6ppet."}},
    {0x14,
     {L"Kan ikke starte MyPass. Kontakt brukerst\u00f8tte.", L"MyPass ble lukket fordi tidsgrensen ble overskredet.",
      L"MyPass er konfigurert for kontoen din.", L"Passordet er endret. Logger deg p\u00e5\u2026",
      L"Passordet er endret. Logg p\u00e5 med det nye passordet.", L"MyPass ble lukket etter en periode uten aktivitet.",
      L"MyPass kunne ikke fullf\u00f8re. Pr\u00f8v p\u00e5 nytt, eller kontakt brukerst\u00f8tte.",
      L"MyPass stoppet uventet. Pr\u00f8v p\u00e5 nytt.", L"MyPass er ikke konfigurert p\u00e5 denne datamaskinen. Kontakt brukerst\u00f8tte.",
      L"MyPass ble ikke startet fordi feils\u00f8kingsalternativer ble angitt.", L"MyPass kj\u00f8rer allerede.",
      L"MyPass kunne ikke bekrefte p\u00e5loggingsskjermen p\u00e5 denne datamaskinen. Kontakt brukerst\u00f8tte.",
      L"MyPass er allerede \u00e5pent."}},
    {0x0b,
     {L"MyPassia ei voitu k\u00e4ynnist\u00e4\u00e4. Ota yhteytt\u00e4 tukipalveluun.",
      L"MyPass suljettiin, koska aikaraja ylittyi.", L"MyPass on otettu k\u00e4ytt\u00f6\u00f6n tilillesi.",
      L"Salasanasi on vaihdettu. Sinua kirjataan sis\u00e4\u00e4n\u2026",
      L"Salasanasi on vaihdettu. Kirjaudu sis\u00e4\u00e4n uudella salasanalla.",
      L"MyPass suljettiin, koska sit\u00e4 ei k\u00e4ytetty v\u00e4h\u00e4\u00e4n aikaan.",
      L"MyPass ei voinut suorittaa toimintoa loppuun. Yrit\u00e4 uudelleen tai ota yhteytt\u00e4 tukipalveluun.",
      L"MyPass pys\u00e4htyi odottamatta. Yrit\u00e4 uudelleen.",
      L"MyPassia ei ole m\u00e4\u00e4ritetty t\u00e4ss\u00e4 tietokoneessa. Ota yhteytt\u00e4 tukipalveluun.",
      L"MyPass ei k\u00e4ynnistynyt, koska virheenkorjausvalitsimia annettiin.", L"MyPass on jo k\u00e4ynniss\u00e4.",
      L"MyPass ei voinut tarkistaa t\u00e4m\u00e4n tietokoneen kirjautumisn\u00e4ytt\u00f6\u00e4. Ota yhteytt\u00e4 tukipalveluun.",
      L"MyPass on jo auki."}},
    {0x16,
     {L"N\u00e3o foi poss\u00edvel iniciar o MyPass. Contacte o suporte t\u00e9cnico.",
      L"O MyPass foi fechado porque o limite de tempo foi excedido.", L"O MyPass est\u00e1 configurado para a sua conta.",
      L"A sua palavra-passe foi alterada. A iniciar sess\u00e3o\u2026",
      L"A sua palavra-passe foi alterada. Inicie sess\u00e3o com a nova palavra-passe.",
      L"O MyPass foi fechado ap\u00f3s um per\u00edodo de inatividade.",
      L"N\u00e3o foi poss\u00edvel concluir o MyPass. Tente novamente ou contacte o suporte t\u00e9cnico.",
      L"O MyPass parou inesperadamente. Tente novamente.",
      L"O MyPass n\u00e3o est\u00e1 configurado neste computador. Contacte o suporte t\u00e9cnico.",
      L"O MyPass n\u00e3o foi iniciado porque foram especificadas op\u00e7\u00f5es de depura\u00e7\u00e3o.",
      L"O MyPass j\u00e1 est\u00e1 em execu\u00e7\u00e3o.",
      L"N\u00e3o foi poss\u00edvel verificar o ecr\u00e3 de in\u00edcio de sess\u00e3o deste computador. Contacte o suporte t\u00e9cnico.",
      L"O MyPass j\u00e1 est\u00e1 aberto."}},
    {0x15,
     {L"Nie mo\u017cna uruchomi\u0107 aplikacji MyPass. Skontaktuj si\u0119 z pomoc\u0105 techniczn\u0105.",
      L"Aplikacja MyPass zosta\u0142a zamkni\u0119ta, poniewa\u017c up\u0142yn\u0105\u0142 limit czasu.",
      L"Aplikacja MyPass jest skonfigurowana dla Twojego konta.",
      L"Has\u0142o zosta\u0142o zmienione. Trwa logowanie\u2026",
      L"Has\u0142o zosta\u0142o zmienione. Zaloguj si\u0119 przy u\u017cyciu nowego has\u0142a.",
      L"Aplikacja MyPass zosta\u0142a zamkni\u0119ta po okresie braku aktywno\u015bci.",
      L"Aplikacja MyPass nie mog\u0142a zako\u0144czy\u0107 dzia\u0142ania. Spr\u00f3buj ponownie lub skontaktuj si\u0119 z pomoc\u0105 techniczn\u0105.",
      L"Aplikacja MyPass nieoczekiwanie przesta\u0142a dzia\u0142a\u0107. Spr\u00f3buj ponownie.",
      L"Aplikacja MyPass nie jest skonfigurowana na tym komputerze. Skontaktuj si\u0119 z pomoc\u0105 techniczn\u0105.",
      L"Aplikacja MyPass nie zosta\u0142a uruchomiona, poniewa\u017c podano opcje debugowania.",
      L"Aplikacja MyPass jest ju\u017c uruchomiona.",
      L"Aplikacja MyPass nie mog\u0142a zweryfikowa\u0107 ekranu logowania tego komputera. Skontaktuj si\u0119 z pomoc\u0105 techniczn\u0105.",
      L"Aplikacja MyPass jest ju\u017c otwarta."}},
};

}  // namespace

const FieldSpec& FieldSpecAt(uint32_t index) { return kFields[index < kFieldCount ? index : 0]; }

const TileTexts& BuiltInTexts(uint16_t primaryLanguage) {
  for (const auto& entry : kTexts) {
    if (entry.primaryLanguage == primaryLanguage) return entry.texts;
  }
  return kTexts[0].texts;
}

const StatusTexts& BuiltInStatusTexts(uint16_t primaryLanguage) {
  for (const auto& entry : kStatus) {
    if (entry.primaryLanguage == primaryLanguage) return entry.texts;
  }
  return kStatus[0].texts;
}

TileStatus DescribeRun(const RunReport& report, bool signInAfterReset, uint16_t primaryLanguage) {
  using Icon = TileStatus::Icon;
  const StatusTexts& t = BuiltInStatusTexts(primaryLanguage);
  switch (report.ended) {
    case RunReport::Ended::LaunchFailed:
      return {std::wstring(t.couldNotStart) + L" (" +
                  std::wstring(report.launchError.begin(), report.launchError.end()) + L")",
              Icon::Error, false};
    case RunReport::Ended::KilledAfterTimeout:
      return {t.timeLimit, Icon::Warning, false};
    case RunReport::Ended::Result:
      if (!report.outcome) break;
      switch (*report.outcome) {
        case Outcome::Completed:
          if (report.purpose == Purpose::Enroll) return {t.enrolled, Icon::Success, false};
          if (signInAfterReset && report.hasPassword) return {t.signingIn, Icon::Success, true};
          return {t.changed, Icon::Success, false};
        case Outcome::Cancelled:
          return {L"", Icon::None, false};
        case Outcome::Timeout:
          return {t.inactivity, Icon::Warning, false};
        case Outcome::Error:
          return {t.couldNotFinish, Icon::Error, false};
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
      return {t.stopped, Icon::Error, false};
    case 1:
      return {L"", Icon::None, false};
    case 2:
      return {t.inactivity, Icon::Warning, false};
    case 3:
      return {t.notConfigured, Icon::Error, false};
    case 4:
      return {t.debugging, Icon::Error, false};
    case 5:
      return {t.alreadyRunning, Icon::Warning, false};
    case 6:
      return {t.notVerified, Icon::Error, false};
    default:
      return {t.stopped, Icon::Error, false};
  }
}

}  // namespace mypass
