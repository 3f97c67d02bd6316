// A victim's personal data never leaks: masked replies, problem bodies that do not repeat
// submitted values, and a server log (at debug level) without names, ID numbers or phones.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

// The values of the samples that must never appear outside a reveal=true reply.
struct Secrets {
    std::vector<std::string> values;
    void add(const std::string& v) {
        if (!v.empty()) values.push_back(v);
    }
};

void check_no_secret(const std::string& text, const Secrets& secrets, const std::string& where) {
    for (const std::string& s : secrets.values) {
        INFO(where << " must not contain a sample's personal data (" << s.size() << " bytes)");
        CHECK(text.find(s) == std::string::npos);
    }
}

std::string e164(const std::string& mobile) {
    return "+86" + mobile;
}

}  // namespace

TEST_CASE("sample personal data never appears in problem replies or in the log", "[integration]") {
    TestServer server(Environment{{"CLUE_ROUTER_LOG_LEVEL", "debug"}});
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    Secrets secrets;
    const std::vector<json> lines = sample_lines();
    for (const json& line : lines) {
        const json& s = line["clue"]["subject"];
        secrets.add(s.value("name", ""));
        secrets.add(s.value("id_number", ""));
        secrets.add(s.value("phone", ""));
        secrets.add(e164(s.value("phone", "")));
        // (Some samples have no ID number: there is no check character to get wrong.)
        if (s.contains("id_number")) secrets.add(with_wrong_check_character(s["id_number"]));
        secrets.add(s.value("address", ""));
        secrets.add(line["clue"].value("narrative", ""));
    }

    for (const json& line : lines) {
        const json& clue = line["clue"];
        const std::string ref = clue["source"]["reference"];
        INFO("sample " << ref);

        // Accepted: the reply and a later read are masked.
        Response created = submit(c, key, clue, "privacy-" + ref);
        REQUIRE(created.status == 201);
        check_no_secret(created.body, secrets, "the 201 reply");
        const std::string id = created.json()["clue"]["id"];
        Response read = get(c, key, "/v1/clues/" + id);
        REQUIRE(read.status == 200);
        check_no_secret(read.body, secrets, "the masked clue");
        // reveal=true is the one way to see them (exercises the log on that path too).
        Response clear = get(c, key, "/v1/clues/" + id + "?reveal=true");
        CHECK_STATUS(clear, 200);
        // (A clue may come without an ID number: its phone shows then.)
        const std::string id_number = clue["subject"].value("id_number", "");
        CHECK(clear.body.find(id_number.empty() ? e164(clue["subject"]["phone"]) : id_number) !=
              std::string::npos);

        // Refused: a wrong check character, a phone too long, an unknown member next to them.
        json bad = clue;
        bad["subject"]["id_number"] = with_wrong_check_character(
            id_number.empty() ? make_id_number("511702", "19900101", "002") : id_number);
        bad["subject"]["phone"] = clue["subject"]["phone"].get<std::string>() + "99";
        bad["subject"]["nickname"] = clue["subject"]["name"];
        Response problem = submit(c, key, bad);
        CHECK_PROBLEM(problem, 422, "validation");
        CHECK(has_pointer(problem, "/subject/id_number"));
        CHECK(has_pointer(problem, "/subject/phone"));
        CHECK(has_pointer(problem, "/subject/nickname"));
        Secrets here = secrets;
        here.add(bad["subject"]["phone"].get<std::string>());
        check_no_secret(problem.body, here, "a validation problem");

        // Malformed JSON that holds the data.
        std::string broken = clue.dump();
        broken.resize(broken.size() - 2);
        Response malformed = c.post("/v1/clues", broken, json_auth(key));
        CHECK_PROBLEM(malformed, 400, "malformed-json");
        check_no_secret(malformed.body, secrets, "a malformed-json problem");

        // The same idempotency key with another body.
        json other = clue;
        other["narrative"] = "changed";
        Response reused = submit(c, key, other, "privacy-" + ref);
        CHECK_PROBLEM(reused, 422, "idempotency-key-reused");
        check_no_secret(reused.body, secrets, "an idempotency problem");
    }

    // At rest: the database file and its write-ahead log hold the data sealed, never clear.
    // Read while the server runs (the WAL holds the recent writes) and again after it ends
    // (everything checkpointed into the main file).
    check_no_secret(read_file(server.database_path()), secrets, "the database file");
    check_no_secret(read_file(server.database_path() + "-wal"), secrets, "the database WAL");
    server.stop();  // the log is complete once the server has ended
    check_no_secret(read_file(server.database_path()), secrets, "the database file at rest");
    check_no_secret(read_file(server.database_path() + "-wal"), secrets, "the WAL at rest");
    const std::string log = server.log();
    CHECK_FALSE(log.empty());
    check_no_secret(log, secrets, "the server log");
    for (const json& line : lines) {
        const std::string phone = line["clue"]["subject"]["phone"];
        check_no_secret(log, Secrets{{phone + "99"}}, "the server log");
    }
}
