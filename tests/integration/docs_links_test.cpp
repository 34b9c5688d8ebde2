// The documents a user reads after cloning (README.md, docs/*.md): every relative link
// resolves to a file inside the repository, and none climbs out of it (the README's first
// link once pointed at ../shared/SPEC.md, which a clone does not have).

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("README and docs link only to files inside the repository", "[integration][docs]") {
  const fs::path root = fs::canonical(GREENLIGHT_SOURCE_DIR);
  std::vector<fs::path> documents{root / "README.md", root / "BENCHMARKS.md"};
  for (const auto& e : fs::directory_iterator(root / "docs")) {
    if (e.path().extension() == ".md") documents.push_back(e.path());
  }
  // [text](target) and ![alt](target); the target up to a space, ')' or '#'.
  const std::regex link(R"(\]\(([^)#\s]*)(#[^)\s]*)?\))");
  int checked = 0;
  for (const fs::path& doc : documents) {
    if (!fs::exists(doc)) continue;
    const std::string text = read(doc);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1].str();
      if (target.empty() || target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
      const fs::path resolved = fs::weakly_canonical(doc.parent_path() / target);
      const std::string rel = resolved.lexically_relative(root).string();
      INFO(doc.lexically_relative(root).string() << " links to " << target);
      CHECK(rel.rfind("..", 0) != 0);  // inside the repository
      CHECK(fs::exists(resolved));
      ++checked;
    }
  }
  CHECK(checked > 10);
}
