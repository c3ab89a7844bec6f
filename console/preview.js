// @ts-check
// <yuno-preview>: the widget's look (theme, position, colour, welcome message, bot name) drawn in
// the console as it is edited. Not the widget itself, which talks to the API only from a site's own
// domains; the same colours per theme as widget/yuno.js. Its style sheet is a file of this server,
// as the page's policy wants.

/** Black or white text, whichever reads better on the colour (as the widget chooses). @param {string} hex */
function onColour(hex) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return '#000';
  const [r, g, b] = m.slice(1).map((x) => {
    const c = parseInt(x, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000' : '#fff';
}

class YunoPreview extends HTMLElement {
  static get observedAttributes() {
    return ['theme', 'position', 'primary-color', 'welcome', 'bot-name'];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/console/preview.css';
    this.header = document.createElement('div');
    this.header.className = 'header';
    this.header.setAttribute('part', 'header');
    this.welcome = document.createElement('div');
    this.welcome.className = 'msg bot';
    const question = document.createElement('div');
    question.className = 'msg me';
    question.textContent = 'Do you ship abroad?';
    const messages = document.createElement('div');
    messages.className = 'messages';
    messages.append(this.welcome, question);
    const composer = document.createElement('div');
    composer.className = 'composer';
    composer.textContent = 'Type your message…';
    const panel = document.createElement('div');
    panel.className = 'panel';
    panel.setAttribute('part', 'panel');
    panel.append(this.header, messages, composer);
    const launcher = document.createElement('div');
    launcher.className = 'launcher';
    launcher.setAttribute('part', 'launcher');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    svg.append(path);
    launcher.append(svg);
    const corner = document.createElement('div');
    corner.className = 'corner';
    corner.append(panel, launcher);
    root.append(link, corner);
  }

  attributeChangedCallback() {
    this.update();
  }

  connectedCallback() {
    this.update();
  }

  update() {
    const colour = this.getAttribute('primary-color') || '#FF6B35';
    // CSSOM, not a style attribute: allowed by the page's policy.
    this.style.setProperty('--y-primary', colour);
    this.style.setProperty('--y-on-primary', onColour(colour));
    /** @type {HTMLElement} */ (this.header).textContent = this.getAttribute('bot-name') || 'Yuno';
    /** @type {HTMLElement} */ (this.welcome).textContent = this.getAttribute('welcome') || '';
  }
}

customElements.define('yuno-preview', YunoPreview);
