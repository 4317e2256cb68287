// Shared by both pages: the access token, API calls, error lines, downloads, the drop zone.
"use strict";

const Jixiao = (() => {
  const TOKEN_KEY = "jixiao-token";
  const body = document.body;
  const maxUpload = Number(body.dataset.maxUpload || 0);

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  // The question for the token, built once (both pages share it).
  function tokenDialog() {
    let dialog = document.getElementById("token-dialog");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "token-dialog";
    dialog.innerHTML =
      '<form method="dialog" id="token-form">' +
      "<p>此服务需要访问令牌，请输入管理员提供的令牌（只保存在本浏览器窗口，关闭后需重新输入）。</p>" +
      '<input type="password" id="token-input" autocomplete="off" aria-label="访问令牌" required>' +
      '<div class="dialog-buttons"><button type="submit" value="ok">确定</button>' +
      '<button type="button" id="token-cancel">取消</button></div></form>';
    document.body.appendChild(dialog);
    return dialog;
  }

  // Asks once per browser session; resolves false when the clerk cancels.
  function askToken(again) {
    const dialog = tokenDialog();
    const input = document.getElementById("token-input");
    const form = document.getElementById("token-form");
    const cancel = document.getElementById("token-cancel");
    if (again) {
      form.querySelector("p").textContent = "令牌不正确或已更换，请重新输入管理员提供的访问令牌。";
    }
    input.value = "";
    return new Promise((resolve) => {
      const done = (ok) => {
        form.removeEventListener("submit", onSubmit);
        cancel.removeEventListener("click", onCancel);
        dialog.close();
        resolve(ok);
      };
      const onSubmit = (event) => {
        event.preventDefault();
        const value = input.value.trim();
        if (!value) return;
        sessionStorage.setItem(TOKEN_KEY, value);
        done(true);
      };
      const onCancel = () => done(false);
      form.addEventListener("submit", onSubmit);
      cancel.addEventListener("click", onCancel);
      dialog.showModal();
      input.focus();
    });
  }

  function authHeaders() {
    const value = token();
    return value ? { Authorization: "Bearer " + value } : {};
  }

  // fetch() with the token; on 401 asks for it and tries again.
  async function api(url, options) {
    let asked = false;
    for (;;) {
      const init = Object.assign({}, options || {});
      init.headers = Object.assign({}, init.headers || {}, authHeaders());
      const response = await fetch(url, init);
      if (response.status !== 401) return response;
      const ok = await askToken(asked || Boolean(token()));
      asked = true;
      if (!ok) return response;
    }
  }

  async function ensureToken() {
    if (body.dataset.tokenRequired === "1" && !token()) await askToken(false);
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
    if (!maxUpload) return "";
    let total = 0;
    for (const file of files) total += file.size;
    if (total <= maxUpload) return "";
    const mb = (n) => (n / 1048576).toFixed(1);
    return "所选文件共 " + mb(total) + " MiB，超过服务器允许的 " + mb(maxUpload) +
      " MiB：请删除工作簿中无关的大图片或工作表，或分批上传。";
  }

  // Choosing or dropping files calls onFiles at once (no extra click).
  function dropZone(zone, input, onFiles) {
    input.addEventListener("change", () => {
      if (input.files && input.files.length) onFiles(Array.from(input.files));
    });
    ["dragenter", "dragover"].forEach((name) =>
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("over");
      }));
    ["dragleave", "drop"].forEach((name) =>
      zone.addEventListener(name, () => zone.classList.remove("over")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      const files = Array.from((event.dataTransfer && event.dataTransfer.files) || []);
      if (files.length) onFiles(files);
    });
  }

  function setStatus(text, kind) {
    const status = document.getElementById("status");
    status.textContent = text;
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
          setStatus("无法连接服务器，请检查网络后重试。", "error");
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

  return { api, askToken, authHeaders, errorOf, filenameOf, saveBlob, tooLarge, dropZone, setStatus, token };
})();
