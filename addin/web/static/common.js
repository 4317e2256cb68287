// Shared by both pages: the access token, API calls, error lines, file snapshots, downloads,
// the drop zone.
"use strict";

const Jixiao = (() => {
  const TOKEN_KEY = "jixiao-token";
  const body = document.body;
  const maxUpload = () => Number(body.dataset.maxUpload || 0);
  // What an Authorization header can carry (visible ASCII). A browser refuses to send a
  // request whose header holds anything else (fetch throws), so a token typed with a Chinese
  // input method ("ａｂｃ１２３") is normalised (NFKC: full-width → ASCII) and then checked.
  const TOKEN_CHARS = /^[\x21-\x7e]+$/;
  const NETWORK = "无法连接服务器，请检查网络后重试。";
  const CHANGED = "文件已修改，请重新选择文件（所选文件在选择后被修改、移动或删除，无法读取）。";

  const cleanToken = (text) => (text || "").normalize("NFKC").trim();

  function token() {
    const value = sessionStorage.getItem(TOKEN_KEY) || "";
    if (value && !TOKEN_CHARS.test(value)) {
      sessionStorage.removeItem(TOKEN_KEY); // unusable: it is asked for again
      return "";
    }
    return value;
  }

  // The question for the token, built once (both pages share it).
  function tokenDialog() {
    let dialog = document.getElementById("token-dialog");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "token-dialog";
    dialog.innerHTML =
      '<form method="dialog" id="token-form">' +
      '<p id="token-question"></p>' +
      '<input type="password" id="token-input" autocomplete="off" aria-label="访问令牌" required>' +
      '<p id="token-problem" class="problem" role="alert"></p>' +
      '<div class="dialog-buttons"><button type="submit" value="ok">确定</button>' +
      '<button type="button" id="token-cancel">取消</button></div></form>';
    document.body.appendChild(dialog);
    return dialog;
  }

  let asking = null; // one question at a time, shared by every call waiting for it

  // Asks for the token (once per browser session); resolves false when the clerk cancels.
  // ``why`` is the server's line (令牌不正确 / 需要访问令牌) when a request was refused.
  function askToken(why) {
    if (asking) return asking;
    const dialog = tokenDialog();
    const input = document.getElementById("token-input");
    const form = document.getElementById("token-form");
    const cancel = document.getElementById("token-cancel");
    const problem = document.getElementById("token-problem");
    document.getElementById("token-question").textContent =
      why || "此服务需要访问令牌，请输入管理员提供的令牌（只保存在本浏览器窗口，关闭后需重新输入）。";
    problem.textContent = "";
    input.value = "";
    asking = new Promise((resolve) => {
      const done = (ok) => {
        form.removeEventListener("submit", onSubmit);
        cancel.removeEventListener("click", onCancel);
        dialog.close();
        asking = null;
        resolve(ok);
      };
      const onSubmit = (event) => {
        event.preventDefault();
        const value = cleanToken(input.value);
        if (!value) return;
        if (!TOKEN_CHARS.test(value)) {
          problem.textContent = "令牌只能包含英文字母、数字和符号：请关闭中文输入法后重新输入。";
          input.select();
          return;
        }
        sessionStorage.setItem(TOKEN_KEY, value);
        done(true);
      };
      const onCancel = () => done(false);
      form.addEventListener("submit", onSubmit);
      cancel.addEventListener("click", onCancel);
      dialog.showModal();
      input.focus();
    });
    return asking;
  }

  function authHeaders() {
    const value = token();
    return value ? { Authorization: "Bearer " + value } : {};
  }

  // The line of a 401 answer (wrong token or none), for the token question.
  async function refusal(response) {
    try {
      const data = await response.clone().json();
      if (data && data.error) return data.error;
    } catch (e) {
      // not JSON
    }
    return "";
  }

  // fetch() with the token; on 401 asks for it (saying why) and tries again.
  async function api(url, options) {
    for (;;) {
      const init = Object.assign({}, options || {});
      init.headers = Object.assign({}, init.headers || {}, authHeaders());
      const response = await fetch(url, init);
      if (response.status !== 401) return response;
      if (!(await askToken(await refusal(response)))) return response;
    }
  }

  async function ensureToken() {
    if (body.dataset.tokenRequired === "1" && !token()) await askToken("");
  }

  // The one Chinese line of an error answer ({"error": ..., "findings": [...]}).
  async function errorOf(response) {
    try {
      const data = await response.json();
      if (data && data.error) return data;
    } catch (e) {
      // not JSON: a proxy's own page
    }
    if (response.status === 413) return { error: "上传的文件超过服务器允许的大小。", findings: [] };
    if (response.status === 502 || response.status === 504) {
      return { error: "服务器暂时无法响应，请稍后再试。", findings: [] };
    }
    return { error: "请求失败（HTTP " + response.status + "），请稍后再试或联系管理员。", findings: [] };
  }

  // A read of the clerk's file that failed (changed, moved or deleted since it was chosen).
  class FileChanged extends Error {}

  // The file's bytes as they are now, kept in memory: what the page shows and what its
  // downloads send are always these bytes, whatever happens to the file on disk afterwards.
  async function snapshot(file) {
    let bytes;
    try {
      bytes = await file.arrayBuffer();
    } catch (e) {
      throw new FileChanged(file.name);
    }
    return new File([bytes], file.name, { type: file.type, lastModified: file.lastModified });
  }

  // Whether the file on disk changed since it was chosen (the browser then refuses to read it).
  async function changedOnDisk(file) {
    try {
      await file.slice(0, 1).arrayBuffer();
      return false;
    } catch (e) {
      return true;
    }
  }

  // The line for a request that threw: null for one the page cancelled itself (a newer file
  // was chosen), else a file that could not be read, else the network.
  function failure(error) {
    if (error && error.name === "AbortError") return null;
    if (error instanceof FileChanged) return CHANGED;
    return NETWORK;
  }

  function filenameOf(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) {
      try {
        return decodeURIComponent(star[1]);
      } catch (e) {
        // fall through
      }
    }
    const plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function tooLarge(files) {
    const limit = maxUpload();
    if (!limit) return "";
    let total = 0;
    for (const file of files) total += file.size;
    if (total <= limit) return "";
    const mb = (n) => (n / 1048576).toFixed(1);
    if (files.length === 1) {
      return "“" + files[0].name + "”有 " + mb(total) + " MiB，超过服务器允许的 " + mb(limit) +
        " MiB：请删除工作簿中无关的大图片或工作表后再试，或请管理员调高上传限制。";
    }
    return "所选文件共 " + mb(total) + " MiB，超过服务器允许的 " + mb(limit) +
      " MiB：请分批上传，或删除工作簿中无关的大图片或工作表。";
  }

  // Choosing or dropping files calls onFiles at once (no extra click). The input is emptied
  // after each choice, so choosing the same (corrected) file again is a new choice. Files
  // dropped anywhere on the page count as dropped on the zone: the browser must not open
  // them in place of the page.
  function dropZone(zone, input, onFiles) {
    input.addEventListener("change", () => {
      const files = Array.from(input.files || []);
      input.value = "";
      if (files.length) onFiles(files);
    });
    const over = (event) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      zone.classList.add("over");
    };
    // Capture phase: wherever on the page the files land, and whatever stops the event below.
    document.addEventListener("dragenter", over, true);
    document.addEventListener("dragover", over, true);
    document.addEventListener("dragleave", (event) => {
      if (!event.relatedTarget) zone.classList.remove("over");
    }, true);
    document.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      const files = Array.from((event.dataTransfer && event.dataTransfer.files) || []);
      if (files.length) onFiles(files);
    }, true);
  }

  // The status line; ``link`` ({href, text}) adds a link after the text.
  function setStatus(text, kind, link) {
    const status = document.getElementById("status");
    status.textContent = text;
    if (link) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      status.appendChild(a);
    }
    status.className = "status" + (kind ? " " + kind : "");
  }

  // Buttons that download a fixed file (template, example).
  function wireGetButtons() {
    document.querySelectorAll("button[data-get]").forEach((button) => {
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const response = await api(button.dataset.get);
          if (!response.ok) {
            setStatus((await errorOf(response)).error, "error");
            return;
          }
          saveBlob(await response.blob(), filenameOf(response, "工作簿.xlsm"));
        } catch (e) {
          setStatus(NETWORK, "error");
        } finally {
          button.disabled = false;
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wireGetButtons();
    ensureToken();
  });

  return {
    api,
    askToken,
    authHeaders,
    changedOnDisk,
    errorOf,
    failure,
    filenameOf,
    refusal,
    saveBlob,
    snapshot,
    tooLarge,
    dropZone,
    setStatus,
    token,
  };
})();
