// The tile's fields, their types and states (one table), the built-in texts in the system UI language,
// and the status text for each way a kiosk run can end. Portable: unit-tested with g++ and under wine.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "pipe-protocol.h"

namespace mypass {

enum FieldId : uint32_t { kFieldImage, kFieldLabel, kFieldSubText, kFieldStatus, kFieldLink, kFieldCount };

// The numeric values of CREDENTIAL_PROVIDER_FIELD_TYPE / _STATE, kept portable here.
enum class FieldType : uint32_t { LargeText = 1, SmallText = 2, CommandLink = 3, TileImage = 6 };
enum class FieldState : uint32_t { Hidden = 0, SelectedTile = 1, DeselectedTile = 2, Both = 3 };
enum class FieldGuid { None, ProviderLogo, ProviderLabel };

struct FieldSpec {
  FieldId id;
  FieldType type;
  FieldState state;
  FieldGuid guid;
  const wchar_t* descriptorLabel;
};

const FieldSpec& FieldSpecAt(uint32_t index);

struct TileTexts {
  const wchar_t* label;
  const wchar_t* subText;
  const wchar_t* link;
};
/** Built-in texts for a Windows primary language id (PRIMARYLANGID); English for any other. */
const TileTexts& BuiltInTexts(uint16_t primaryLanguage);

/** How one kiosk run ended, as the provider saw it. */
struct RunReport {
  enum class Ended { Result, NoResult, KilledAfterTimeout, LaunchFailed } ended = Ended::NoResult;
  std::optional<Outcome> outcome;  // Ended::Result
  Purpose purpose = Purpose::Reset;
  bool hasPassword = false;
  std::optional<uint32_t> exitCode;
  std::string launchError;  // stable code for Ended::LaunchFailed
};

struct TileStatus {
  std::wstring text;
  enum class Icon { None, Error, Warning, Success } icon = Icon::None;
  bool signIn = false;  // fill the credential and log on (sign in after reset)
};

/** The status texts after a run, in the same 12 languages as the tile (English for any other). */
struct StatusTexts {
  const wchar_t* couldNotStart;  // followed by " (<code>)"
  const wchar_t* timeLimit;
  const wchar_t* enrolled;
  const wchar_t* signingIn;
  const wchar_t* changed;
  const wchar_t* inactivity;
  const wchar_t* couldNotFinish;
  const wchar_t* stopped;
  const wchar_t* notConfigured;
  const wchar_t* debugging;
  const wchar_t* alreadyRunning;
  const wchar_t* notVerified;
  const wchar_t* alreadyOpen;
};
const StatusTexts& BuiltInStatusTexts(uint16_t primaryLanguage);

/** `primaryLanguage`: PRIMARYLANGID of the system UI language (0x09 English). */
TileStatus DescribeRun(const RunReport& report, bool signInAfterReset, uint16_t primaryLanguage = 0x09);

}  // namespace mypass
