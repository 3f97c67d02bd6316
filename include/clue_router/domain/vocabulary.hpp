#pragma once
// The words partners integrate against (DESIGN §5). These lists are stable API: criteria and
// routing rules may add meaning to them, but ids are never renamed.
#include <span>
#include <string>
#include <string_view>

namespace clue_router::domain::vocabulary {

std::span<const std::string_view> channels();
std::span<const std::string_view> indicators();
std::span<const std::string_view> key_groups();
std::span<const std::string_view> agency_kinds();
std::span<const std::string_view> services();
std::span<const std::string_view> reporter_relations();
std::span<const std::string_view> sexes();

bool is_channel(std::string_view v);
bool is_indicator(std::string_view v);
bool is_key_group(std::string_view v);
bool is_agency_kind(std::string_view v);
bool is_service(std::string_view v);
bool is_reporter_relation(std::string_view v);
bool is_sex(std::string_view v);

// "must be one of a, b, c": what a vocabulary error says, so the sender sees the choices.
std::string one_of(std::span<const std::string_view> words);

}  // namespace clue_router::domain::vocabulary
