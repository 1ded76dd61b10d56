// The demo storefront's own code: a small catalog, a cart in localStorage, and the clickstream
// calls a real shop makes. The pages are static; this script fills them in from their URL.
// Page views are recorded by the snippet itself; see docs/snippet.md.
'use strict';

const CURRENCY = 'EUR';
const CATEGORIES = { shoes: 'Shoes', bags: 'Bags', tea: 'Tea' };
const CATALOG = [
  { id: 'p-100', name: 'Trail running shoes', category: 'shoes', price: 89 },
  { id: 'p-101', name: 'Canvas sneakers', category: 'shoes', price: 49.5 },
  { id: 'p-200', name: 'Leather backpack', category: 'bags', price: 129 },
  { id: 'p-201', name: 'Tote bag', category: 'bags', price: 19.9 },
  { id: 'p-300', name: 'Longjing green tea, 100 g', category: 'tea', price: 24 },
  { id: 'p-301', name: 'Pu-erh tea cake', category: 'tea', price: 36.8 },
];

const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
const money = (amount) => amount.toFixed(2) + ' ' + CURRENCY;
const product = (id) => CATALOG.find((p) => p.id === id);
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');

const saved = {
  get: (name, fallback) => JSON.parse(localStorage.getItem(name) || 'null') || fallback,
  set: (name, value) => localStorage.setItem(name, JSON.stringify(value)),
};
const cart = () => saved.get('demo_cart', []); // [{id, quantity}]
const user = () => saved.get('demo_user', '');
const cartItems = () =>
  cart().map((line) => {
    const p = product(line.id);
    return { product_id: p.id, category: p.category, price: p.price, quantity: line.quantity };
  });
const cartTotal = () => cartItems().reduce((sum, item) => sum + item.price * item.quantity, 0);

// The shop's user id for an email: stable, so signing in again finds the same customer.
function userIdFor(email) {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (const c of email.trim().toLowerCase()) {
    hash = Math.imul(hash ^ c.codePointAt(0), 0x01000193) >>> 0;
  }
  return 'u-' + hash.toString(16).padStart(8, '0');
}

function productCard(p) {
  return `<li class="card"><a href="product.html?id=${p.id}" data-product="${p.id}">${escape(p.name)}</a>
    <span class="price">${money(p.price)}</span></li>`;
}

function renderHeader() {
  const count = cart().reduce((sum, line) => sum + line.quantity, 0);
  const links = Object.entries(CATEGORIES)
    .map(([key, name]) => `<a href="category.html?c=${key}">${name}</a>`)
    .join(' ');
  const account = user()
    ? `Signed in as ${escape(user())} <button id="sign-out" class="link">Sign out</button>`
    : '<a href="register.html" id="account">Register / sign in</a>';
  document.getElementById('header').innerHTML = `<a href="index.html" class="logo">Demo shop</a>
    <nav>${links}</nav><a href="cart.html" id="cart-link">Cart (${count})</a> ${account}`;
  const signOut = document.getElementById('sign-out');
  if (signOut) {
    signOut.onclick = () => {
      localStorage.removeItem('demo_user');
      clickstream('reset'); // the next visitor on this browser starts anonymous
      renderHeader();
    };
  }
}

const pages = {
  index() {
    main.innerHTML = `<h1>Welcome to the demo shop</h1>
      <p>Every page view and click here goes through the clickstream snippet to the collector.</p>
      <ul class="grid">${CATALOG.map(productCard).join('')}</ul>`;
  },

  category() {
    const key = params.get('c') in CATEGORIES ? params.get('c') : 'shoes';
    main.innerHTML = `<h1>${CATEGORIES[key]}</h1>
      <ul class="grid">${CATALOG.filter((p) => p.category === key).map(productCard).join('')}</ul>`;
  },

  product() {
    const p = product(params.get('id')) || CATALOG[0];
    document.title = p.name + ' - Demo shop';
    main.innerHTML = `<h1>${escape(p.name)}</h1>
      <p class="price">${money(p.price)}</p>
      <p><a href="category.html?c=${p.category}">More ${CATEGORIES[p.category]}</a></p>
      <button id="favorite">&#9825; Favorite</button>
      <label>Quantity <input id="quantity" type="number" min="1" value="1"></label>
      <button id="add-to-cart">Add to cart</button>
      <p id="added" hidden>Added. <a href="cart.html" id="view-cart">View cart</a></p>`;
    const fields = { product_id: p.id, category: p.category, price: p.price, currency: CURRENCY };
    document.getElementById('favorite').onclick = (click) => {
      clickstream('favorite', fields);
      click.target.textContent = '\u2665 Favorited';
    };
    document.getElementById('add-to-cart').onclick = () => {
      const quantity = Math.max(1, parseInt(document.getElementById('quantity').value, 10) || 1);
      const lines = cart();
      const line = lines.find((l) => l.id === p.id);
      if (line) line.quantity += quantity;
      else lines.push({ id: p.id, quantity });
      saved.set('demo_cart', lines);
      clickstream('add_to_cart', Object.assign({ quantity }, fields));
      document.getElementById('added').hidden = false;
      renderHeader();
    };
  },

  cart() {
    const items = cartItems();
    if (!items.length) {
      main.innerHTML = '<h1>Your cart is empty</h1><p><a href="index.html">Keep shopping</a></p>';
      return;
    }
    main.innerHTML = `<h1>Your cart</h1><ul class="lines">${items
      .map(
        (item) => `<li>${escape(product(item.product_id).name)} &times; ${item.quantity}
          <span class="price">${money(item.price * item.quantity)}</span>
          <button class="link" data-remove="${item.product_id}">Remove</button></li>`
      )
      .join('')}</ul>
      <p>Total <strong>${money(cartTotal())}</strong></p>
      <a class="button" href="checkout.html" id="checkout">Checkout</a>`;
    for (const button of main.querySelectorAll('[data-remove]')) {
      button.onclick = () => {
        const removed = cartItems().find((item) => item.product_id === button.dataset.remove);
        saved.set('demo_cart', cart().filter((line) => line.id !== removed.product_id));
        clickstream('track', 'remove_from_cart', Object.assign({ currency: CURRENCY }, removed));
        renderHeader();
        pages.cart();
      };
    }
  },

  checkout() {
    const items = cartItems();
    if (!items.length) {
      main.innerHTML = '<h1>Nothing to check out</h1><p><a href="index.html">Keep shopping</a></p>';
      return;
    }
    if (!user()) {
      main.innerHTML = `<h1>Checkout</h1>
        <p>Please <a href="register.html?next=checkout.html" id="register-to-order">register or
        sign in</a> to place your order.</p>`;
      return;
    }
    main.innerHTML = `<h1>Checkout</h1><p>${items.length} item(s), total
      <strong>${money(cartTotal())}</strong></p><button id="place-order">Place order</button>`;
    document.getElementById('place-order').onclick = () => {
      const order = {
        order_id: 'o-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6),
        revenue: Math.round(cartTotal() * 100) / 100,
        currency: CURRENCY,
        items,
      };
      saved.set('demo_last_order', { order, reported: false });
      saved.set('demo_cart', []);
      location.href = 'order.html';
    };
  },

  register() {
    const next = params.get('next') || 'index.html';
    main.innerHTML = `<h1>Register</h1>
      <form id="register-form"><label>Email <input name="email" type="email" required></label>
      <button>Create account</button></form>
      <h2>Already a customer?</h2>
      <form id="login-form"><label>Email <input name="email" type="email" required></label>
      <button>Sign in</button></form>`;
    const handle = (formId, call) => {
      document.getElementById(formId).onsubmit = (submit) => {
        submit.preventDefault();
        const userId = userIdFor(submit.target.email.value);
        saved.set('demo_user', userId);
        clickstream(call, userId, { method: 'email' });
        location.href = next;
      };
    };
    handle('register-form', 'register');
    handle('login-form', 'login');
  },

  order() {
    const last = saved.get('demo_last_order', null);
    if (!last) {
      main.innerHTML = '<h1>No order yet</h1><p><a href="index.html">Start shopping</a></p>';
      return;
    }
    if (!last.reported) {
      clickstream('order', last.order); // once, even if the confirmation is reloaded
      saved.set('demo_last_order', { order: last.order, reported: true });
    }
    main.innerHTML = `<h1>Thank you!</h1><p>Order <code id="order-id">${escape(last.order.order_id)}</code>,
      ${money(last.order.revenue)}.</p><p><a href="index.html">Back to the shop</a></p>`;
  },
};

renderHeader();
pages[document.body.dataset.page]();
