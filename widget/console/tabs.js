// @ts-check
// An ARIA tablist of open chats: one tab in the Tab order (roving tabindex), arrow keys, Home
// and End move between tabs and show the chosen chat at once.

export function createTabs(tablist, onSelect) {
  const tabs = [];
  let selected = null;

  function select(tab, { focus = false } = {}) {
    selected = tab;
    for (const each of tabs) {
      const active = each.tab === tab;
      each.tab.setAttribute("aria-selected", String(active));
      each.tab.tabIndex = active ? 0 : -1;
      each.panel.hidden = !active;
    }
    if (focus && tab) tab.focus();
    onSelect(tab);
  }

  tablist.addEventListener("keydown", (event) => {
    const index = tabs.findIndex((each) => each.tab === document.activeElement);
    if (index < 0) return;
    const last = tabs.length - 1;
    const target = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(tabs[target].tab, { focus: true });
  });

  return {
    add(tab, panel) {
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", () => select(tab));
      tabs.push({ tab, panel });
      tablist.append(tab);
      if (!selected) select(tab);
      else {
        tab.setAttribute("aria-selected", "false");
        tab.tabIndex = -1;
        panel.hidden = true;
      }
    },
    remove(tab) {
      const index = tabs.findIndex((each) => each.tab === tab);
      if (index < 0) return;
      const hadFocus = tab.contains(document.activeElement) || tabs[index].panel.contains(document.activeElement);
      tabs[index].tab.remove();
      tabs[index].panel.remove();
      tabs.splice(index, 1);
      if (selected === tab) {
        const next = tabs[Math.min(index, tabs.length - 1)];
        select(next ? next.tab : null, { focus: hadFocus && Boolean(next) });
      }
    },
    select,
    selected: () => selected,
    count: () => tabs.length,
  };
}
