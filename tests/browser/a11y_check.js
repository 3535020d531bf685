// Our own small accessibility check, run in the page by tests/browser/accessibility.py
// (page.evaluate). It returns a list of {rule, selector, detail}; an empty list is a pass.
//
// What it checks (a subset of WCAG 2.2 AA that a script can decide on its own):
//   lang          the <html> element names the page's language
//   landmark-main exactly one <main> (or role="main")
//   heading-h1    exactly one <h1>
//   nav-label     every <nav> has a name (aria-label / aria-labelledby), the names are
//                 distinct, and a signed-in page has at least one
//   control-name  every form control has a name: <label for>, a wrapping <label>,
//                 aria-label or aria-labelledby
//   button-name, link-name   buttons and links have a name
//   image-alt     <img> has an alt attribute; role="img" has a name
//   aria-ref      aria-labelledby / aria-describedby / label[for] point at existing ids,
//                 and no id is used twice (a label would name the wrong control)
//   tabindex      no positive tabindex (it breaks the reading order)
//   reflow        no box's content spills out of it sideways (over its neighbours, or making
//                 the page scroll sideways; WCAG 1.4.10); regions that scroll are fine
//   autocomplete  password fields, and the account field of a sign-in form, say what they
//                 hold (WCAG 1.3.5), so browsers and password managers can fill them
//   contrast      text against its effective background: 4.5:1, or 3:1 for large text
//                 (24px, or 18.66px bold); colours come from computed styles, the background
//                 from the nearest ancestors' background colours (alpha composited)
(options) => {
  const requireNav = Boolean(options && options.requireNav);
  const violations = [];
  const report = (rule, element, detail) => {
    violations.push({ rule, selector: selectorOf(element), detail });
  };

  function selectorOf(element) {
    if (!element || element.nodeType !== 1) return "(document)";
    const parts = [];
    let node = element;
    while (node && node.nodeType === 1 && parts.length < 5) {
      let part = node.localName;
      if (node.id) {
        parts.unshift(`${part}#${CSS.escape(node.id)}`);
        break;
      }
      const classes = [...node.classList].slice(0, 2).map((c) => "." + CSS.escape(c)).join("");
      part += classes;
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.localName === node.localName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(" > ");
  }

  const clean = (text) => (text || "").replace(/\s+/g, " ").trim();

  function isRendered(element) {
    // Hidden from everyone (not just visually): display:none, visibility:hidden, hidden attr.
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none") return false;
      if (node.hasAttribute("hidden")) return false;
    }
    return getComputedStyle(element).visibility !== "hidden";
  }

  function isVisuallyShown(element) {
    // Rendered and painted with a real size: screen-reader-only text (clipped to 1px) is
    // not read by sight, so its contrast does not matter.
    if (!isRendered(element)) return false;
    const rect = element.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) return false;
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") {
        return false;
      }
      if (parseFloat(style.opacity) === 0) return false;
    }
    return true;
  }

  function textOf(element) {
    // The text a screen reader would read from the content, skipping aria-hidden parts.
    let text = "";
    for (const child of element.childNodes) {
      if (child.nodeType === 3) text += child.textContent;
      else if (child.nodeType === 1) {
        if (child.getAttribute("aria-hidden") === "true") continue;
        if (child.localName === "img") text += " " + (child.getAttribute("alt") || "");
        else if (child.localName === "svg") text += " " + (nameFromAria(child) || "");
        else text += " " + textOf(child);
      }
    }
    return clean(text);
  }

  function nameFromAria(element) {
    const ids = clean(element.getAttribute("aria-labelledby"));
    if (ids) {
      const text = ids
        .split(" ")
        .map((id) => document.getElementById(id))
        .filter(Boolean)
        .map((el) => textOf(el))
        .join(" ");
      if (clean(text)) return clean(text);
    }
    const label = clean(element.getAttribute("aria-label"));
    if (label) return label;
    if (element.localName === "svg") {
      const title = element.querySelector(":scope > title");
      if (title && clean(title.textContent)) return clean(title.textContent);
    }
    return "";
  }

  function controlName(control) {
    const fromAria = nameFromAria(control);
    if (fromAria) return fromAria;
    if (control.id) {
      for (const label of document.querySelectorAll(`label[for="${CSS.escape(control.id)}"]`)) {
        if (textOf(label)) return textOf(label);
      }
    }
    const wrapping = control.closest("label");
    if (wrapping && textOf(wrapping)) return textOf(wrapping);
    return "";
  }

  // --- the document ------------------------------------------------------------------------
  const html = document.documentElement;
  if (!clean(html.getAttribute("lang"))) report("lang", html, "<html> has no lang attribute");

  const mains = document.querySelectorAll("main, [role=main]");
  if (mains.length !== 1) {
    report("landmark-main", mains[1] || html, `${mains.length} main landmarks (want exactly 1)`);
  }

  const h1s = [...document.querySelectorAll("h1")];
  if (h1s.length !== 1) {
    report("heading-h1", h1s[1] || html, `${h1s.length} <h1> elements (want exactly 1)`);
  } else if (!textOf(h1s[0])) {
    report("heading-h1", h1s[0], "the <h1> is empty");
  }

  const navs = [...document.querySelectorAll("nav, [role=navigation]")];
  if (requireNav && navs.length === 0) {
    report("nav-label", html, "no <nav> landmark on a signed-in page");
  }
  const navNames = new Map();
  for (const nav of navs) {
    const name = nameFromAria(nav);
    if (!name) {
      report("nav-label", nav, "<nav> without aria-label or aria-labelledby");
    } else if (navNames.has(name)) {
      report("nav-label", nav, `two <nav> landmarks are both named "${name}"`);
    } else {
      navNames.set(name, nav);
    }
  }

  // --- form controls, buttons, links, images -----------------------------------------------
  const unnamedTypes = new Set(["hidden"]);
  const buttonTypes = new Set(["submit", "button", "reset", "image"]);
  for (const control of document.querySelectorAll("input, select, textarea")) {
    const type = (control.getAttribute("type") || "text").toLowerCase();
    if (unnamedTypes.has(type) || !isRendered(control)) continue;
    if (buttonTypes.has(type)) {
      const name =
        nameFromAria(control) ||
        clean(type === "image" ? control.getAttribute("alt") : control.value);
      if (!name) report("button-name", control, `<input type=${type}> without a name`);
      continue;
    }
    if (!controlName(control)) {
      report("control-name", control, `<${control.localName}> without a label`);
    }
  }

  for (const button of document.querySelectorAll("button, [role=button]")) {
    if (!isRendered(button)) continue;
    if (!(nameFromAria(button) || textOf(button) || clean(button.getAttribute("title")))) {
      report("button-name", button, "button without a name");
    }
  }

  for (const link of document.querySelectorAll("a[href]")) {
    if (!isRendered(link)) continue;
    if (!(nameFromAria(link) || textOf(link) || clean(link.getAttribute("title")))) {
      report("link-name", link, "link without a name");
    }
  }

  for (const image of document.querySelectorAll("img")) {
    if (!image.hasAttribute("alt")) report("image-alt", image, "<img> without an alt attribute");
  }
  for (const image of document.querySelectorAll("[role=img]")) {
    if (!nameFromAria(image)) report("image-alt", image, 'role="img" without a name');
  }

  // --- references and focus order ----------------------------------------------------------
  for (const attribute of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of clean(element.getAttribute(attribute)).split(" ").filter(Boolean)) {
        if (!document.getElementById(id)) {
          report("aria-ref", element, `${attribute} points at a missing id "${id}"`);
        }
      }
    }
  }
  const seen = new Set();
  for (const element of document.querySelectorAll("[id]")) {
    if (seen.has(element.id)) report("aria-ref", element, `id "${element.id}" is used twice`);
    seen.add(element.id);
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) {
      report("aria-ref", label, `label for="${label.htmlFor}" points at a missing id`);
    }
  }

  for (const element of document.querySelectorAll("[tabindex]")) {
    const value = parseInt(element.getAttribute("tabindex"), 10);
    if (value > 0) report("tabindex", element, `tabindex="${value}" (positive)`);
  }

  const passwordPurposes = new Set(["current-password", "new-password"]);
  for (const password of document.querySelectorAll("input[type=password]")) {
    const purpose = clean(password.getAttribute("autocomplete")).toLowerCase();
    if (!passwordPurposes.has(purpose)) {
      report("autocomplete", password, 'password field without autocomplete="current-password"' +
        ' or "new-password"');
    }
    if (purpose !== "current-password" || !password.form) continue;
    for (const account of password.form.querySelectorAll("input[type=email], input[type=text]")) {
      const accountPurpose = clean(account.getAttribute("autocomplete")).toLowerCase();
      if (!["username", "email"].includes(accountPurpose)) {
        report("autocomplete", account, 'sign-in account field without autocomplete="username"');
      }
    }
  }

  // --- reflow ------------------------------------------------------------------------------
  // A box whose content is wider than itself, and does not scroll, spills over its
  // neighbours (or makes the whole page scroll sideways). The innermost such boxes are named.
  const spilling = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (!element.clientWidth || getComputedStyle(element).overflowX !== "visible") continue;
    if (element.scrollWidth > element.clientWidth + 1 && isRendered(element)) {
      spilling.push(element);
    }
  }
  const innermost = spilling.filter(
    (outer) => !spilling.some((inner) => inner !== outer && outer.contains(inner)),
  );
  for (const element of innermost.slice(0, 5)) {
    report(
      "reflow",
      element,
      `content ${element.scrollWidth - element.clientWidth}px wider than its box spills over ` +
        `its neighbours (make it wrap, stack or scroll)`,
    );
  }
  const viewportWidth = document.documentElement.clientWidth;
  if (!innermost.length && document.documentElement.scrollWidth > viewportWidth + 1) {
    report("reflow", html, `the page scrolls sideways in a ${viewportWidth}px window`);
  }

  // --- colour contrast ---------------------------------------------------------------------
  function parseColour(text) {
    const match = /rgba?\(([^)]+)\)/.exec(text || "");
    if (!match) return null;
    const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(parseFloat);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }

  function over(top, bottom) {
    // `top` (possibly translucent) painted over an opaque `bottom`.
    const a = top.a;
    return {
      r: top.r * a + bottom.r * (1 - a),
      g: top.g * a + bottom.g * (1 - a),
      b: top.b * a + bottom.b * (1 - a),
      a: 1,
    };
  }

  function effectiveBackground(element) {
    // The layers of background colour from the element up to the root, composited over
    // white (the canvas). A background image makes the answer unknown (null).
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") return null;
      const colour = parseColour(style.backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  }

  function luminance({ r, g, b }) {
    const channel = (value) => {
      const c = value / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  }

  function ratio(first, second) {
    const [light, dark] = [luminance(first), luminance(second)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  }

  const hex = ({ r, g, b }) =>
    "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const skipped = new Set(["script", "style", "noscript", "template", "title", "option", "head"]);
  const checked = new Set();

  function checkContrast(element) {
    if (checked.has(element)) return;
    checked.add(element);
    if (element.closest("[disabled], [aria-disabled=true]")) return;
    if (!isVisuallyShown(element)) return;
    const style = getComputedStyle(element);
    const background = effectiveBackground(element);
    if (!background) return; // over an image: not decidable here
    let opacity = 1;
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      opacity *= parseFloat(getComputedStyle(node).opacity);
    }
    const raw = parseColour(style.color);
    if (!raw) return;
    const foreground = over({ ...raw, a: raw.a * opacity }, background);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    const found = ratio(foreground, background);
    if (found + 1e-6 < needed) {
      report(
        "contrast",
        element,
        `contrast ${found.toFixed(2)}:1 < ${needed}:1 (${hex(foreground)} on ${hex(background)}, ` +
          `${size}px${bold ? " bold" : ""})`,
      );
    }
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!clean(text.textContent)) continue;
    const parent = text.parentElement;
    if (!parent || skipped.has(parent.localName) || parent.closest("select")) continue;
    checkContrast(parent);
  }
  for (const control of document.querySelectorAll("input, select, textarea")) {
    const type = (control.getAttribute("type") || "text").toLowerCase();
    if (["hidden", "checkbox", "radio", "file", "range", "color"].includes(type)) continue;
    checkContrast(control);
  }

  return violations;
}
