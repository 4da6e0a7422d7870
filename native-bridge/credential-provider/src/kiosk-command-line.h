// The kiosk's command line (PROTOCOL.md "Launch"): quoting by the rules CommandLineToArgvW and the
// MSVC runtime use, so a path with spaces or quotes arrives as one argument.
#pragma once
#include <string>
#include <vector>

namespace mypass {

std::wstring QuoteArgument(const std::wstring& argument);
/** "<exe>" --mypass-pipe=<pipe> --mypass-nonce=<nonce> */
std::wstring BuildKioskCommandLine(const std::wstring& exePath, const std::wstring& pipeName,
                                   const std::string& nonce);
/** \\.\pipe\MyPass-<32 hex digits> from 16 random bytes. */
std::wstring PipeNameFromRandom(const unsigned char (&random)[16]);
/** base64url without padding (the nonce: 32 random bytes -> 43 characters). */
std::string Base64Url(const std::vector<unsigned char>& bytes);
/** The nonce form PROTOCOL.md allows: base64url, 16-128 characters. */
bool IsValidNonce(const std::string& nonce);

}  // namespace mypass
