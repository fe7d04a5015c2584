// docs/routes.md is the route table on one screen: it must list exactly the routes the app serves,
// each with who may call it. Regenerate it with `bun scripts/route-table.ts`.
import { expect, test } from 'bun:test';
import { appRoutes, routeNotes, routesDocPath, routesMarkdown } from '../../scripts/route-table';

const routes = appRoutes();

test('every route the app serves has a note (who, what) and no note names a route that is gone', () => {
  const served = routes.map((r) => r.route);
  expect(served.length).toBeGreaterThan(30);
  expect(served.filter((route) => !routeNotes[route])).toEqual([]);
  expect(Object.keys(routeNotes).filter((route) => !served.includes(route))).toEqual([]);
});

test('docs/routes.md is up to date (run `bun scripts/route-table.ts`)', async () => {
  expect(await Bun.file(routesDocPath).text()).toBe(routesMarkdown(routes.map((r) => r.route)));
});

test('the documented guard agrees with the guards the handler calls', () => {
  const wrong: string[] = [];
  for (const { route, handlerSource } of routes) {
    const guard = routeNotes[route]?.guard;
    if (handlerSource.includes('requireAdmin(') && guard !== 'admin') wrong.push(`${route}: calls requireAdmin, documented ${guard}`);
    if (handlerSource.includes('requireViewer(') && (guard === 'anyone' || guard === 'anonymous' || guard === 'room members')) {
      wrong.push(`${route}: calls requireViewer, documented ${guard}`);
    }
  }
  expect(wrong).toEqual([]);
});
