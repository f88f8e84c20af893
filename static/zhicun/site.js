// Site-wide behaviour without inline scripts (the Content-Security-Policy forbids them).
// <form data-confirm="确定删除吗？"> asks before submitting.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
