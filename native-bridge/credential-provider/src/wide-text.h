// UTF-8 <-> wide strings without Win32, so the same code runs under the host g++ (32-bit wchar_t)
// and mingw (16-bit wchar_t, UTF-16). Invalid input is reported, never guessed.
#pragma once
#include <optional>
#include <string>

namespace mypass {

/** Strict UTF-8 decode (no overlongs, no surrogates, no code points above U+10FFFF). */
std::optional<std::wstring> WideFromUtf8(const std::string& utf8);
/** Encodes; an unpaired UTF-16 surrogate becomes U+FFFD. */
std::string Utf8FromWide(const std::wstring& wide);
bool IsValidUtf8(const std::string& bytes);
/** Appends one code point (at most U+10FFFF, not a surrogate) as UTF-8, straight into `out` with no
 *  temporaries, since `out` may hold a password. */
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace mypass
