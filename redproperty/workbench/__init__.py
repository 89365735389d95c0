"""The community workers' door, /workbench/: the shared base every app's pages stand on.

- views.py   the scoped view mixins (`WorkbenchMixin`, `ScopedMixin`, `ScopedListView`,
             `ScopedDetailView`, `ServiceFormView`), login, the "no jurisdiction" page, the
             community chooser and the home page ("my day");
- forms.py   `ScopedFormMixin`: every model choice offered is `visible_to(user)`;
- navigation.py  the menu;
- urls.py    /workbench/ and each app's pages (complaints/workbench/, partybranches/workbench/,
             communities/workbench/, properties/workbench/).

Pages are server-rendered; htmx requests that target `#main` get the page's content only
(`base_template` is `workbench/_fragment.html`), so every link and form works without
JavaScript and faster with it.
"""
