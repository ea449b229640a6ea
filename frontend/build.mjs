// Builds static/nlds/ from the pinned npm packages (see package-lock.json). Run by `make assets`
// (npm ci, then this); the output is committed, so the web app and the tests never need Node.
// Only Node's own modules are used: no bundler, nothing downloaded here.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "static", "nlds");
const fonts = join(out, "fonts");

const read = (path) => readFileSync(join(modules, path), "utf8");
const version = (pkg) => JSON.parse(read(`${pkg}/package.json`)).version;

// Fonts: Noto Sans (the voorbeeld theme's --basis-text-font-family-default), Noto Serif (its
// --basis-heading-font-family) and Noto Sans Mono (its monospace), only the Latin subsets and
// the weights the tokens use (400, 700).
const FONT_FILES = [
  ["@fontsource/noto-sans", ["400", "400-italic", "700", "700-italic"]],
  ["@fontsource/noto-serif", ["400", "700"]],
  ["@fontsource/noto-sans-mono", ["400", "700"]],
];
const SUBSETS = ["latin", "latin-ext"];

function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(fonts, { recursive: true });
  const banner = (what) =>
    `/* ${what}. Built by frontend/build.mjs (make assets); do not edit, see static/nlds/README.md. */\n`;

  // 1. The Utrecht component classes (class-based, no element selectors), as published.
  const components = "@utrecht/component-library-css";
  writeFileSync(
    join(out, "utrecht-components.css"),
    banner(`${components} ${version(components)}, EUPL-1.2`) + read(`${components}/dist/index.css`),
  );

  // 2. The default theme: the voorbeeld tokens, scoped to .voorbeeld-theme, plus our bridge.
  const tokens = "@nl-design-system-unstable/voorbeeld-design-tokens";
  const theme = read(`${tokens}/dist/theme.css`);
  if (!theme.includes(".voorbeeld-theme {")) throw new Error("voorbeeld theme.css lost its .voorbeeld-theme scope");
  // Only data: images (one Amsterdam breadcrumb icon) may appear: nothing from another origin.
  if (/url\((?!["']?data:)|@import/.test(theme)) throw new Error("voorbeeld theme.css refers to other files");
  const bridge = readFileSync(join(here, "src", "bridge.css"), "utf8");
  writeFileSync(
    join(out, "voorbeeld-theme.css"),
    banner(`${tokens} ${version(tokens)}, EUPL-1.2, plus frontend/src/bridge.css`) + theme + "\n" + bridge,
  );

  // 3. Self-hosted fonts: the @font-face rules point at fonts/ next to this file (our origin).
  const faces = [];
  for (const [pkg, variants] of FONT_FILES) {
    for (const variant of variants) {
      // Each subset's face from the variant's own file (`400.css`), which carries its
      // unicode-range: without it the latin and latin-ext faces share every descriptor and a
      // browser may draw plain text with the latin-ext face, which lacks the basic letters.
      const all = read(`${pkg}/${variant}.css`);
      for (const subset of SUBSETS) {
        const family = pkg.split("/")[1];
        const style = variant.endsWith("italic") ? "italic" : "normal";
        const name = `${family}-${subset}-${variant.split("-")[0]}-${style}`;
        const face = all.match(new RegExp(`/\\* ${name} \\*/\\s*@font-face \\{[^}]*\\}`));
        if (!face) throw new Error(`${pkg}/${variant}.css has no face ${name}`);
        if (!face[0].includes("unicode-range:")) throw new Error(`${name} has no unicode-range`);
        const css = face[0];
        for (const match of css.matchAll(/url\(\.\/files\/([a-z0-9-]+\.woff2?)\)/g)) {
          copyFileSync(join(modules, pkg, "files", match[1]), join(fonts, match[1]));
        }
        faces.push(css.replaceAll("url(./files/", "url(fonts/").trim());
      }
    }
    copyFileSync(join(modules, pkg, "LICENSE"), join(fonts, `${pkg.split("/")[1]}-LICENSE.txt`));
  }
  writeFileSync(
    join(out, "fonts.css"),
    banner(
      `Noto Sans ${version("@fontsource/noto-sans")}, Noto Serif ${version("@fontsource/noto-serif")} and Noto Sans Mono ${version("@fontsource/noto-sans-mono")} (Fontsource), SIL OFL 1.1`,
    ) +
      faces.join("\n\n") + "\n",
  );

  copyFileSync(join(modules, components, "LICENSE.md"), join(out, "EUPL-1.2-LICENSE.md"));
  copyFileSync(join(here, "NLDS-README.md"), join(out, "README.md"));
  console.log(`static/nlds/ built: ${components} ${version(components)}, ${tokens} ${version(tokens)}`);
}

main();
