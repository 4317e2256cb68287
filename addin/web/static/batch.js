// The bureau's batch page: several workbooks or a zip in, the summary workbook out, with the
// upload's progress and then each workbook's as the server reads them (NDJSON lines).
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let result = null; // {blob, name}

  function progress(done, total, text) {
    $("progress").hidden = false;
    $("bar").max = total || 1;
    $("bar").value = done;
    $("progress-text").textContent = text;
  }

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
        row.failure || (row.errors ? "有错误，未排名" : ""),
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
  // server's progress lines arrive.
  function send(files) {
    return new Promise((resolve) => {
      const data = new FormData();
      for (const file of files) data.append("file", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/batch");
      xhr.setRequestHeader("Accept", "application/x-ndjson");
      const headers = Jixiao.authHeaders();
      for (const name of Object.keys(headers)) xhr.setRequestHeader(name, headers[name]);
      let seen = 0;
      let final = null;
      const readLines = () => {
        if (xhr.status !== 200) return;
        const text = xhr.responseText;
        let end;
        while ((end = text.indexOf("\n", seen)) >= 0) {
          const line = text.slice(seen, end);
          seen = end + 1;
          if (!line.trim()) continue;
          const event = JSON.parse(line);
          if (event.event === "start") progress(0, event.total, "已上传，正在读取 " + event.total + " 个工作簿…");
          if (event.event === "progress") {
            progress(event.done, event.total, "已读取 " + event.done + " / " + event.total + " 个工作簿（" + event.file + "）");
          }
          if (event.event === "done" || event.event === "error") final = event;
        }
      };
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) {
          progress(event.loaded, event.total, "正在上传 " + Math.round((100 * event.loaded) / event.total) + "%");
        }
      };
      xhr.onprogress = readLines;
      xhr.onload = () => {
        readLines();
        resolve({ status: xhr.status, final, text: xhr.responseText });
      };
      xhr.onerror = () => resolve({ status: 0, final: null, text: "" });
      xhr.send(data);
    });
  }

  async function upload(files) {
    const tooLarge = Jixiao.tooLarge(files);
    if (tooLarge) {
      Jixiao.setStatus(tooLarge, "error");
      return;
    }
    $("result").hidden = true;
    result = null;
    Jixiao.setStatus("", "");
    progress(0, 1, "正在上传…");
    let answer = await send(files);
    if (answer.status === 401 && (await Jixiao.askToken(Boolean(Jixiao.token())))) answer = await send(files);
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
    const failed = final.departments.filter((d) => d.failure).length;
    $("result").hidden = false;
    $("save").textContent = "下载汇总工作簿（" + final.filename + "）";
    Jixiao.setStatus(
      "汇总完成：" + (final.departments.length - failed) + " 个部门" + (failed ? "，" + failed + " 个文件未能读取" : "") + "。",
      "done",
    );
  }

  document.addEventListener("DOMContentLoaded", () => {
    Jixiao.dropZone($("drop"), $("files"), upload);
    $("save").addEventListener("click", () => {
      if (result) Jixiao.saveBlob(result.blob, result.name);
    });
  });
})();
