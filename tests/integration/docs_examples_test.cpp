// The documentation as a test (issue 22: README said /readyz answered schema version 6 when it
// was 7, and api.md's example of adding an agency answered 409 on the demo).
//
// Every fenced block of README.md and docs/api.md whose info string is `sh test` is run, in
// document order (README first), by one bash against a real server set up as scripts/demo sets
// up the demo: the demo's directory, and a key for every variable scripts/demo writes to
// var/demo-keys.env. The blocks share the shell, so a later example may use what an earlier
// one set ($T, $TICKET, $CLUE), and they see the state the earlier ones left, as a newcomer
// who follows the pages does.
//
// What a block shows is what it is held to: every `# → 201 …` comment lists the statuses of
// the block's next requests, in order (`# → 200, 200, 200` for a loop of three), and a JSON
// object right after the statuses must be contained in the last of those replies. A block
// must show a status for every request it makes, and end with exit status 0.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;
namespace fs = std::filesystem;

namespace {

const std::string kArrow = "\xE2\x86\x92";  // →

struct Shown {
    int status = 0;
    std::optional<json> body;  // members the reply must contain
};

struct DocBlock {
    std::string file;  // relative to the repository
    int line = 0;      // of the opening fence
    std::string code;
    std::vector<Shown> shown;
    std::string where() const { return file + ":" + std::to_string(line); }
};

bool is_status(const std::string& token) {
    return token.size() == 3 && std::all_of(token.begin(), token.end(), ::isdigit);
}

// The statuses (and JSON) that one line's `# → …` comment shows; none without the arrow.
std::vector<Shown> shown_on(const std::string& line, const std::string& where) {
    const auto hash = line.find("# " + kArrow);
    if (hash == std::string::npos) return {};
    std::string rest = line.substr(hash + 2 + kArrow.size());
    std::vector<Shown> out;
    std::size_t at = 0;
    while (true) {
        while (at < rest.size() && rest[at] == ' ') ++at;
        std::size_t end = at;
        while (end < rest.size() && std::isdigit(static_cast<unsigned char>(rest[end]))) ++end;
        const std::string token = rest.substr(at, end - at);
        if (!is_status(token)) break;
        out.push_back({std::stoi(token), std::nullopt});
        at = end;
        while (at < rest.size() && (rest[at] == ',' || rest[at] == ':')) ++at;
    }
    INFO(where << ": " << line);
    REQUIRE_FALSE(out.empty());  // an arrow that shows no status is a typo, not a comment
    while (at < rest.size() && rest[at] == ' ') ++at;
    if (at < rest.size() && rest[at] == '{') {
        // The shortest object that parses; prose may follow it.
        for (auto end = rest.find('}', at); end != std::string::npos;
             end = rest.find('}', end + 1)) {
            json body = json::parse(rest.substr(at, end + 1 - at), nullptr, false);
            if (!body.is_discarded()) {
                out.back().body = std::move(body);
                break;
            }
        }
        REQUIRE(out.back().body.has_value());
    }
    return out;
}

std::vector<DocBlock> blocks_of(const std::string& file) {
    std::ifstream in(source_dir() + "/" + file);
    REQUIRE(in.good());
    std::vector<DocBlock> blocks;
    std::optional<DocBlock> open;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!open) {
            if (line == "```sh test") open = DocBlock{file, number, {}, {}};
            continue;
        }
        if (line == "```") {
            blocks.push_back(std::move(*open));
            open.reset();
            continue;
        }
        open->code += line + "\n";
        for (Shown& s : shown_on(line, file + ":" + std::to_string(number))) {
            open->shown.push_back(std::move(s));
        }
    }
    REQUIRE_FALSE(open.has_value());
    return blocks;
}

// Every block that runs curl, tested or not: an example left out of the test would go stale.
std::vector<std::string> untested_curl_blocks(const std::string& file) {
    std::ifstream in(source_dir() + "/" + file);
    std::vector<std::string> out;
    bool in_block = false;
    bool tested = false;
    int opened = 0;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.rfind("```", 0) == 0) {
            if (!in_block) {
                in_block = true;
                tested = line == "```sh test";
                opened = number;
            } else {
                in_block = false;
            }
            continue;
        }
        if (in_block && !tested && line.find("curl ") != std::string::npos &&
            (out.empty() || out.back() != file + ":" + std::to_string(opened))) {
            out.push_back(file + ":" + std::to_string(opened));
        }
    }
    return out;
}

// The demo's keys, as scripts/demo makes them: variable, agency, role.
struct DemoKey {
    std::string variable, agency, role;
};

std::vector<DemoKey> demo_keys() {
    std::ifstream in(source_dir() + "/scripts/demo");
    const std::regex made(
        R"re(echo "([A-Z_]+)=\$\(\$bin keys create -c \$config --agency (\S+) --role (\S+) )re");
    std::vector<DemoKey> out;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, made)) out.push_back({m[1], m[2], m[3]});
    }
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// curl as the pages call it, recording each reply's status and body for the checks; `-q`
// keeps a developer's ~/.curlrc out of it.
const char* kPrelude = R"sh(
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
curl() {
  local reply code rc
  reply=$(mktemp "$DOCS_TEST_DIR/reply.XXXXXX")
  code=$(command curl -q "$@" -o "$reply" -w '%{http_code}')
  rc=$?
  cat "$reply"
  printf 'request %s %s\n' "$code" "$reply" >>"$DOCS_TEST_DIR/log"
  return $rc
}
)sh";

// The reply's body: after the headers when curl was asked for them (-i).
std::string body_of(const std::string& reply) {
    if (reply.rfind("HTTP/", 0) != 0) return reply;
    const auto end = reply.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

// Every member of `shown` is in `actual` with the same value (objects compared member by
// member, anything else exactly).
bool contains(const json& actual, const json& shown) {
    if (!shown.is_object()) return actual == shown;
    if (!actual.is_object()) return false;
    for (const auto& [name, value] : shown.items()) {
        if (!actual.contains(name) || !contains(actual[name], value)) return false;
    }
    return true;
}

struct Outcome {
    struct Request {
        int status = 0;
        std::string reply;
    };
    std::vector<Request> requests;
    std::optional<int> exit_status;
};

// The log the prelude and the block markers wrote: one Outcome per block.
std::vector<Outcome> read_log(const std::string& path, std::size_t blocks) {
    std::vector<Outcome> out(blocks);
    std::ifstream in(path);
    std::size_t current = blocks;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string what;
        words >> what;
        if (what == "block") {
            words >> current;
        } else if (what == "end" && current < blocks) {
            int rc = 0;
            words >> rc;
            out[current].exit_status = rc;
        } else if (what == "request" && current < blocks) {
            std::string code, reply;
            words >> code >> reply;
            out[current].requests.push_back({std::stoi(code), read_file(reply)});
        }
    }
    return out;
}

}  // namespace

TEST_CASE("every curl example of README.md and docs/api.md is marked to be tested",
          "[integration][docs]") {
    for (const std::string file : {"README.md", "docs/api.md"}) {
        INFO(file);
        CHECK(untested_curl_blocks(file) == std::vector<std::string>{});
        CHECK_FALSE(blocks_of(file).empty());
    }
}

TEST_CASE("the README's tour and docs/api.md's examples answer as they show, on the demo",
          "[integration][docs]") {
    std::vector<DocBlock> blocks = blocks_of("README.md");
    for (DocBlock& b : blocks_of("docs/api.md")) blocks.push_back(std::move(b));

    TestServer server({{"CLUE_ROUTER_DIRECTORY", source_dir() + "/config/demo-directory.json"}});
    const std::vector<DemoKey> keys = demo_keys();
    REQUIRE(keys.size() >= 8);

    // Where the pages run: the repository's files at hand, and var/demo-keys.env as
    // scripts/demo writes it.
    const fs::path home = fs::path(server.dir()) / "docs";
    fs::create_directories(home / "var");
    for (const char* dir : {"config", "examples", "tests", "scripts"}) {
        fs::create_directory_symlink(fs::path(source_dir()) / dir, home / dir);
    }
    {
        std::ofstream env(home / "var" / "demo-keys.env");
        for (const DemoKey& k : keys) {
            env << k.variable << "=" << server.key_for(k.agency, k.role) << "\n";
        }
    }

    const std::string log = (home / "log").string();
    std::string script = kPrelude;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        script += "printf 'block " + std::to_string(i) + "\\n' >>\"$DOCS_TEST_DIR/log\"\n";
        script += blocks[i].code;
        script += "printf 'end %s\\n' $? >>\"$DOCS_TEST_DIR/log\"\necho\n";
    }
    const std::string here = "127.0.0.1:" + std::to_string(server.port());
    script = replace_all(replace_all(script, "localhost:8080", here), "127.0.0.1:8080", here);
    {
        std::ofstream out(home / "docs.sh");
        out << script;
    }

    RunResult r = run({"bash", (home / "docs.sh").string()}, {{"DOCS_TEST_DIR", home.string()}},
                      server.dir(), std::chrono::seconds(180), home.string());
    INFO("the examples' output:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.status.has_value());

    const std::vector<Outcome> outcomes = read_log(log, blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const DocBlock& b = blocks[i];
        const Outcome& o = outcomes[i];
        INFO("the block at " << b.where() << ":\n" << b.code);
        REQUIRE(o.exit_status.has_value());  // the shell got as far as its end
        CHECK(*o.exit_status == 0);
        REQUIRE(o.requests.size() == b.shown.size());
        for (std::size_t k = 0; k < b.shown.size(); ++k) {
            INFO("request " << k + 1 << " of the block, which answered:\n" << o.requests[k].reply);
            CHECK(o.requests[k].status == b.shown[k].status);
            if (b.shown[k].body) {
                const json actual = json::parse(body_of(o.requests[k].reply), nullptr, false);
                CHECK(contains(actual, *b.shown[k].body));
            }
        }
    }
}
