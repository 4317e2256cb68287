// The bureau's batch page: several workbooks or a zip in, the summary workbook out, with the
// upload's progress and then each workbook's as the server reads them (NDJSON lines).
// Choosing a new set while a batch runs cancels the running one (and says so): the page only
// ever shows the latest set's result.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let result = null; // {blob, name}
  let generation = 0; // bumped by each choice: only the latest may change the page
  let running = null; // the XHR of the batch in progress

  function progress(done, total, text) {
    $("progress").hidden = false;
    $("bar").max = total || 1;
    $("bar").value = done;
    $("progress-text").textContent = text;
  }

  // Each row as the summary workbook lists it (the server leaves out the score and grade of
  // a workbook with errors: addin/batch.py, presented).
  function table(departments) {
    const body = $("departments").querySelector("tbody");
    body.replaceChildren();
    for (const row of departments) {
      const tr = document.createElement("tr");
      const cells = [
        row.file,
        row.department || "",
        row.score === null ? "-" : row.score,
        row.grade || "-",
        row.failure ? "-" : String(row.errors),
        row.failure ? "-" : String(row.warnings),
        row.failure || (row.errors ? "有错误，未计分、未排名" : "") ||
          (row.duplicate_of
            ? "与 " + row.duplicate_of + " 为同一部门、同一年度，只按 " + row.duplicate_of + " 排名：" + row.kept_because
            : "") ||
          (row.years_note || ""),
      ];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      if (row.failure || row.errors) tr.className = "problem";
      body.appendChild(tr);
    }
  }

  function fromBase64(text) {
    const bytes = atob(text);
    const out = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
    return out;
  }

  // XHR rather than fetch: it reports upload progress, and its responseText grows as the
  // server's progress lines arrive. ``mine`` guards every callback: a cancelled batch's late
  // events do not touch the page.
  function send(files, mine) {
    return new Promise((resolve) => {
      const data = new FormData();
      // Multipart carries no date: each file's own goes just before it, so the server keeps the
      // most recently modified copy of a department, as the CLI does (addin/batch_rows.py).
      for (const file of files) {
        data.append("modified", String(file.lastModified));
        data.append("file", file, file.name);
      }
      const xhr = new XMLHttpRequest();
      running = xhr;
      xhr.open("POST", "/api/batch");
      xhr.setRequestHeader("Accept", "application/x-ndjson");
      const headers = Jixiao.authHeaders();
      for (const name of Object.keys(headers)) xhr.setRequestHeader(name, headers[name]);
      let seen = 0;
      let final = null;
      const current = () => mine === generation;
      const readLines = () => {
        if (xhr.status !== 200 || !current()) return;
        const text = xhr.responseText;
        let end;
        while ((end = text.indexOf("\n", seen)) >= 0) {
          const line = text.slice(seen, end);
          seen = end + 1;
          if (!line.trim()) continue;
          const event = JSON.parse(line);
          if (event.event === "start") progress(0, event.total, "已上传，正在读取 " + event.total + " 个文件…");
          if (event.event === "progress") {
            progress(event.done, event.total, "已读取 " + event.done + " / " + event.total + " 个文件（" + event.file + "）");
          }
          if (event.event === "done" || event.event === "error") final = event;
        }
      };
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && current()) {
          progress(event.loaded, event.total, "正在上传 " + Math.round((100 * event.loaded) / event.total) + "%");
        }
      };
      xhr.onprogress = readLines;
      xhr.onload = () => {
        readLines();
        resolve({ status: xhr.status, final, text: xhr.responseText });
      };
      xhr.onerror = () => resolve({ status: 0, final: null, text: "" });
      xhr.onabort = () => resolve({ status: -1, final: null, text: "" });
      xhr.send(data);
    });
  }

  async function upload(chosen) {
    const mine = ++generation;
    const cancelled = running !== null;
    if (running) running.abort(); // the older set no longer matters
    running = null;
    const tooLarge = Jixiao.tooLarge(chosen);
    if (tooLarge) {
      $("progress").hidden = true;
      Jixiao.setStatus(tooLarge, "error");
      return;
    }
    $("result").hidden = true;
    result = null;
    Jixiao.setStatus(cancelled ? "已取消上一批的汇总，正在汇总新选择的 " + chosen.length + " 个文件。" : "", "");
    progress(0, 1, "正在读取所选文件…");
    let files;
    try {
      files = await Promise.all(chosen.map((file) => Jixiao.snapshot(file)));
    } catch (e) {
      if (mine !== generation) return;
      $("progress").hidden = true;
      Jixiao.setStatus(Jixiao.failure(e), "error");
      return;
    }
    if (mine !== generation) return;
    progress(0, 1, "正在上传…");
    let answer = await send(files, mine);
    if (mine !== generation) return;
    if (answer.status === 401) {
      let why = "";
      try {
        why = JSON.parse(answer.text).error || "";
      } catch (e) {
        // not JSON
      }
      if (await Jixiao.askToken(why)) {
        if (mine !== generation) return;
        answer = await send(files, mine);
        if (mine !== generation) return;
      }
    }
    running = null;
    if (answer.status !== 200) {
      let message = "汇总失败（HTTP " + answer.status + "），请稍后再试或联系管理员。";
      if (answer.status === 0) message = "无法连接服务器，请检查网络后重试。";
      try {
        message = JSON.parse(answer.text).error || message;
      } catch (e) {
        // not JSON
      }
      $("progress").hidden = true;
      Jixiao.setStatus(message, "error");
      return;
    }
    const final = answer.final;
    if (!final || final.event === "error") {
      Jixiao.setStatus(final ? final.error : "汇总未完成，请重试。", "error");
      return;
    }
    result = {
      blob: new Blob([fromBase64(final.content)], {
        type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      }),
      name: final.filename,
    };
    table(final.departments);
    $("result").hidden = false;
    $("save").textContent = "下载汇总工作簿（" + final.filename + "）";
    // The server counts as the summary does (addin/batch_rows.py, tally): copies of one
    // department are one department.
    Jixiao.setStatus("汇总完成：" + final.tally + "。", "done");
  }

  document.addEventListener("DOMContentLoaded", () => {
    Jixiao.dropZone($("drop"), $("files"), upload);
    $("save").addEventListener("click", () => {
      if (result) Jixiao.saveBlob(result.blob, result.name);
    });
  });
})();
