#pragma once
// What a password must be (issue 15): at least 12 characters (Unicode code points, so a
// Chinese passphrase counts as it reads), at most 256, and not one of a list of common
// passwords shipped with the project (config/common-passwords.txt). Pure: the list is read by
// the app layer and handed in.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace clue_router::domain {

class CommonPasswords {
  public:
    CommonPasswords() = default;
    // One password a line; blank lines and lines starting with '#' are skipped. Compared
    // without regard to ASCII case.
    static CommonPasswords parse(std::string_view text);

    bool contains(std::string_view password) const;
    std::size_t size() const { return words_.size(); }

  private:
    std::unordered_set<std::string> words_;
};

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 256;

// Why the password is refused, in words for the person choosing it (never echoing it), or
// nullopt when it is acceptable.
std::optional<std::string> password_problem(std::string_view password,
                                            const CommonPasswords& common);

}  // namespace clue_router::domain
