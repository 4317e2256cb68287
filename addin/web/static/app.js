// The single-workbook page: upload on choose/drop, headline figures, findings linked to the
// clerk's cells, the report preview (HTML rendered by the server from the report layout), and
// the downloads (each re-sends the chosen file: nothing is kept on the server).
"use strict";

(() => {
  let current = null; // the File last chosen

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

  const dash = (value, suffix) => (value === null || value === undefined ? "-" : value + (suffix || ""));

  // "9647.82" → "9,647.82", as the report prints amounts (string work: no float rounding).
  function amount(value) {
    if (value === null || value === undefined) return "-";
    const [whole, part] = String(value).split(".");
    return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (part !== undefined ? "." + part : "");
  }

  function figures(summary) {
    const unit = summary.amount_unit || "";
    const b = summary.budget || {};
    const p = summary.procurement || {};
    const s = summary.score || {};
    const items = [
      ["预算执行率", dash(b.execution_rate, "%"), "执行数 " + amount(b.executed) + " / 全年预算数 " + amount(b.total) + " " + unit],
      ["支出进度", dash(b.spending_progress, "%"), "支出数 " + amount(b.spent) + " " + unit],
      ["政府采购支出总额", amount(p.total), unit],
      ["中小企业合同占比", dash(p.sme_share, "%"), "授予中小企业 " + amount(p.sme) + " " + unit],
      ["小微企业占中小企业比", dash(p.small_micro_share_of_sme, "%"), "小微企业 " + amount(p.small_micro) + " " + unit],
      ["自评得分", dash(s.total) + (s.grade ? " " + s.grade : ""), s.grade ? "评价等级：" + s.grade : "未能评分"],
    ];
    const box = $("figures");
    box.replaceChildren();
    for (const [label, value, note] of items) {
      const card = el("div", "figure");
      card.appendChild(el("div", "figure-label", label));
      card.appendChild(el("div", "figure-value", value));
      card.appendChild(el("div", "figure-note", note));
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

  function preview(sheets) {
    const tabs = $("tabs");
    const box = $("sheets");
    tabs.replaceChildren();
    box.replaceChildren();
    sheets.forEach((sheet, index) => {
      const tab = el("button", "tab", sheet.name);
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", index === 0 ? "true" : "false");
      const pane = el("div", "sheet-pane");
      pane.setAttribute("role", "tabpanel");
      pane.dataset.sheet = sheet.name;
      pane.hidden = index !== 0;
      // Server-rendered from the report layout (addin/web/render.py), every text escaped.
      pane.innerHTML = sheet.html;
      tab.addEventListener("click", () => {
        tabs.querySelectorAll(".tab").forEach((t) => t.setAttribute("aria-selected", "false"));
        box.querySelectorAll(".sheet-pane").forEach((p) => (p.hidden = true));
        tab.setAttribute("aria-selected", "true");
        pane.hidden = false;
      });
      tabs.appendChild(tab);
      box.appendChild(pane);
    });
  }

  function show(data, file) {
    const summary = data.summary;
    $("title").textContent = (summary.year ? summary.year + "年度 " : "") + (summary.department || file.name);
    figures(summary);
    findings(summary.checks || [], data.cells || {});
    preview(data.sheets || []);
    const errors = (summary.checks || []).filter((f) => f.severity === "error").length;
    $("get-workbook").disabled = errors > 0;
    $("get-docx").disabled = errors > 0;
    $("result").hidden = false;
    if (errors) {
      Jixiao.setStatus("数据有 " + errors + " 处错误，未生成报告：请按下面的校验结果修改工作簿后重新上传。", "error");
    } else {
      const warnings = (summary.checks || []).length;
      Jixiao.setStatus("计算完成：" + file.name + (warnings ? "（" + warnings + " 处警告，请核对）" : ""), "done");
    }
  }

  async function upload(files) {
    const file = files[0];
    const tooLarge = Jixiao.tooLarge([file]);
    if (tooLarge) {
      Jixiao.setStatus(tooLarge, "error");
      return;
    }
    current = file;
    $("result").hidden = true;
    Jixiao.setStatus("正在上传并计算“" + file.name + "”…", "busy");
    try {
      const response = await Jixiao.api("/api/preview", { method: "POST", body: form(file) });
      if (!response.ok) {
        const problem = await Jixiao.errorOf(response);
        Jixiao.setStatus(problem.error, "error");
        return;
      }
      show(await response.json(), file);
    } catch (e) {
      Jixiao.setStatus("无法连接服务器，请检查网络后重试。", "error");
    }
  }

  async function fetchFile(button) {
    if (!current) return;
    const label = button.textContent;
    button.disabled = true;
    button.textContent = "正在生成…";
    try {
      const response = await Jixiao.api(button.dataset.post, { method: "POST", body: form(current) });
      if (!response.ok) {
        const problem = await Jixiao.errorOf(response);
        Jixiao.setStatus(problem.error, "error");
        return;
      }
      Jixiao.saveBlob(await response.blob(), Jixiao.filenameOf(response, current.name));
    } catch (e) {
      Jixiao.setStatus("无法连接服务器，请检查网络后重试。", "error");
    } finally {
      button.textContent = label;
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    Jixiao.dropZone($("drop"), $("file"), upload);
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
