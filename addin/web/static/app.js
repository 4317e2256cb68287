// The single-workbook page: upload on choose/drop, headline figures, findings linked to the
// clerk's cells, the report preview (HTML rendered by the server from the report layout), and
// the downloads. Every figure on the page comes from the server as printed text (the same
// list the command line prints, addin/report/headline.py): nothing is computed here.
//
// What is shown and what the downloads send always belong together: a choice takes a
// snapshot of the file's bytes; a newer choice cancels the older request (and an answer that
// still arrives for it is ignored); the downloads re-send the snapshot that produced the
// result on the page, with the same options.
"use strict";

(() => {
  let shown = null; // {file, original, recalc}: the snapshot that produced the result, the clerk's File
  let generation = 0; // bumped by each choice: only the latest choice may change the page
  let inflight = null; // AbortController of the latest upload

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function form(file) {
    const data = new FormData();
    data.append("file", file, file.name);
    return data;
  }

  const withOptions = (url, recalc) => (recalc ? url + (url.includes("?") ? "&" : "?") + "recalc=1" : url);

  // What the server says with a share copy (X-Jixiao-Warnings: a JSON list, percent-encoded,
  // the command line's own lines): shown beside the downloads, never dropped.
  function shareNotes(response) {
    const box = $("share-notes");
    box.replaceChildren();
    const raw = response.headers.get("X-Jixiao-Warnings");
    let lines = [];
    try {
      lines = raw ? JSON.parse(decodeURIComponent(raw)) : [];
    } catch (e) {
      lines = [];
    }
    for (const line of lines) {
      const li = el("li", "warning");
      li.appendChild(el("span", "severity", "注意"));
      li.appendChild(el("span", "message", line));
      box.appendChild(li);
    }
    box.hidden = !lines.length;
    return lines.length;
  }

  function figures(list) {
    const box = $("figures");
    box.replaceChildren();
    for (const figure of list) {
      const card = el("div", "figure");
      card.dataset.key = figure.key;
      card.appendChild(el("div", "figure-label", figure.label));
      card.appendChild(el("div", "figure-value", figure.value));
      card.appendChild(el("div", "figure-note", figure.note));
      for (const line of figure.details || []) card.appendChild(el("div", "figure-detail", line));
      box.appendChild(card);
    }
  }

  function findings(list, cells) {
    const ul = $("findings");
    ul.replaceChildren();
    if (!list.length) {
      ul.appendChild(el("li", "ok", "数据校验未发现问题。"));
      return;
    }
    for (const finding of list) {
      const li = el("li", finding.severity);
      li.appendChild(el("span", "severity", finding.severity === "error" ? "错误" : "警告"));
      const where = finding.location || "";
      if (where && cells[where]) {
        const link = el("a", "loc", where);
        link.href = "#";
        link.dataset.loc = where;
        li.appendChild(link);
      } else if (where) {
        li.appendChild(el("span", "loc-text", where));
      }
      li.appendChild(el("span", "message", finding.message));
      if (where && cells[where]) {
        const view = el("div", "cell-view");
        view.hidden = true;
        view.dataset.loc = where;
        // Server-rendered from the clerk's cells, every text escaped (addin/web/excerpt.py).
        view.innerHTML = cells[where];
        li.appendChild(view);
      }
      ul.appendChild(li);
    }
  }

  // A location link (in the findings or in a preview sheet) opens the clerk's cells around
  // it; a link to another preview sheet (a summary sheet's row → its project sheet) opens that tab.
  function showLocation(where) {
    const sheet = where.slice(0, where.lastIndexOf("!")).replace(/^'|'$/g, "");
    const tab = Array.from(document.querySelectorAll("#tabs .tab")).find((t) => t.textContent === sheet);
    if (tab) {
      tab.click();
      $("tabs").scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    const views = Array.from(document.querySelectorAll(".cell-view")).filter((v) => v.dataset.loc === where);
    if (!views.length) return;
    const view = views[0];
    view.hidden = false;
    view.parentElement.classList.add("focus");
    setTimeout(() => view.parentElement.classList.remove("focus"), 1500);
    view.parentElement.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // The preview's sheets as WAI-ARIA tabs (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/):
  // one tab stop (roving tabindex: the selected tab is focusable, the others are reached with
  // Left/Right, Home/End, which also select), each tab naming the panel it controls.
  function select(tab, focus) {
    const tabs = Array.from($("tabs").querySelectorAll(".tab"));
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
  }

  function onTabKey(event) {
    const tabs = Array.from($("tabs").querySelectorAll(".tab"));
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const next = {
      ArrowRight: (at + 1) % tabs.length,
      ArrowLeft: (at - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[next], true);
  }

  function preview(sheets) {
    const tabs = $("tabs");
    const box = $("sheets");
    tabs.replaceChildren();
    box.replaceChildren();
    sheets.forEach((sheet, index) => {
      const tab = el("button", "tab", sheet.name);
      tab.type = "button";
      tab.id = "sheet-tab-" + index;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", "sheet-panel-" + index);
      tab.setAttribute("aria-selected", index === 0 ? "true" : "false");
      tab.tabIndex = index === 0 ? 0 : -1;
      const pane = el("div", "sheet-pane");
      pane.id = "sheet-panel-" + index;
      pane.setAttribute("role", "tabpanel");
      pane.setAttribute("aria-labelledby", tab.id);
      pane.tabIndex = 0; // a panel whose first content is a table: reachable with Tab
      pane.dataset.sheet = sheet.name;
      pane.hidden = index !== 0;
      // Server-rendered from the report layout (addin/web/render.py), every text escaped.
      pane.innerHTML = sheet.html;
      tab.addEventListener("click", () => select(tab, false));
      tabs.appendChild(tab);
      box.appendChild(pane);
    });
  }

  function show(data, file, note) {
    const summary = data.summary;
    $("title").textContent = (summary.year ? summary.year + "年度 " : "") + (summary.department || file.name);
    figures(data.figures || []);
    findings(summary.checks || [], data.cells || {});
    preview(data.sheets || []);
    const errors = (summary.checks || []).filter((f) => f.severity === "error").length;
    $("get-workbook").disabled = errors > 0;
    $("get-docx").disabled = errors > 0;
    $("get-share-fresh").disabled = errors > 0;
    $("share-notes").replaceChildren();
    $("share-notes").hidden = true;
    $("result").hidden = false;
    if (errors) {
      Jixiao.setStatus("“" + file.name + "”的数据有 " + errors + " 处错误，未生成报告：请按下面的校验结果修改工作簿后重新上传。" + note, "error");
    } else {
      const warnings = (summary.checks || []).length;
      Jixiao.setStatus("计算完成：" + file.name + (warnings ? "（" + warnings + " 处警告，请核对）" : "") + note, "done");
    }
  }

  async function upload(files) {
    const chosen = files[0];
    const mine = ++generation;
    if (inflight) inflight.abort(); // an older upload no longer matters
    inflight = null;
    if (/\.zip$/i.test(chosen.name)) {
      Jixiao.setStatus("“" + chosen.name + "”是压缩文件：本页一次处理一个工作簿，多个部门的工作簿请到", "error",
        { href: "/batch", text: "批量汇总" });
      return;
    }
    const tooLarge = Jixiao.tooLarge([chosen]);
    if (tooLarge) {
      Jixiao.setStatus(tooLarge, "error");
      return;
    }
    const note = files.length > 1
      ? "（共选择了 " + files.length + " 个文件，本页只处理第一个“" + chosen.name + "”；多个工作簿请用“批量汇总”。）"
      : "";
    const recalc = $("recalc").checked;
    const controller = new AbortController();
    inflight = controller;
    try {
      // Read first: a file that cannot be read leaves the result on the page as it was.
      const file = await Jixiao.snapshot(chosen);
      if (mine !== generation) return;
      $("result").hidden = true;
      Jixiao.setStatus("正在上传并计算“" + chosen.name + "”…" + (recalc ? "（服务器重新计算公式，需较长时间）" : ""), "busy");
      const response = await Jixiao.api(withOptions("/api/preview", recalc), {
        method: "POST", body: form(file), signal: controller.signal,
      });
      if (mine !== generation) return; // a newer choice owns the page
      if (!response.ok) {
        const problem = await Jixiao.errorOf(response);
        if (mine === generation) Jixiao.setStatus(problem.error, "error");
        return;
      }
      const data = await response.json();
      if (mine !== generation) return;
      shown = { file, original: chosen, recalc };
      show(data, file, note);
    } catch (e) {
      const line = Jixiao.failure(e);
      if (line && mine === generation) Jixiao.setStatus(line, "error");
    } finally {
      if (inflight === controller) inflight = null;
    }
  }

  async function fetchFile(button) {
    if (!shown) return;
    const { file, original, recalc } = shown;
    const label = button.textContent;
    button.disabled = true;
    button.textContent = "正在生成…";
    try {
      const response = await Jixiao.api(withOptions(button.dataset.post, recalc), { method: "POST", body: form(file) });
      if (!response.ok) {
        const problem = await Jixiao.errorOf(response);
        Jixiao.setStatus(problem.error, "error");
        return;
      }
      const notes = button.dataset.post.startsWith("/api/share") ? shareNotes(response) : 0;
      Jixiao.saveBlob(await response.blob(), Jixiao.filenameOf(response, file.name));
      if (notes) {
        Jixiao.setStatus("已下载共享副本，发送给同事前请先看下载按钮下方的 " + notes + " 条提示。", "warning");
      }
      if (await Jixiao.changedOnDisk(original)) {
        Jixiao.setStatus("文件已修改，请重新选择文件：“" + file.name + "”在上传后被修改过，刚才下载的仍按页面上显示的（修改前的）内容生成。", "error");
      }
    } catch (e) {
      Jixiao.setStatus(Jixiao.failure(e) || "已取消。", "error");
    } finally {
      button.textContent = label;
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    Jixiao.dropZone($("drop"), $("file"), upload);
    $("tabs").addEventListener("keydown", onTabKey);
    if (document.body.dataset.recalc === "1") {
      $("recalc-option").hidden = false;
      // The same file again, with or without recalculation: page and downloads stay together.
      $("recalc").addEventListener("change", () => {
        if (shown) upload([shown.file]);
      });
    }
    document.querySelectorAll("button[data-post]").forEach((button) =>
      button.addEventListener("click", () => fetchFile(button)));
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a.loc");
      if (!link) return;
      event.preventDefault();
      showLocation(link.dataset.loc);
    });
  });
})();
