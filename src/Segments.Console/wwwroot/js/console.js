// The few things the console asks of the browser that .NET in WebAssembly cannot do itself.
window.segmentsConsole = {
  // Saves text as a file the browser downloads (a broadcast's audience).
  download: function (name, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type: type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  },
  copy: function (text) {
    return navigator.clipboard.writeText(text);
  },
  // Runs a script once it has loaded: the Entra sign-in's (300 KB), loaded only where the console signs in with Entra.
  loadScript: function (src) {
    return new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }
};
