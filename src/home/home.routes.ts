// GET / — what this instance is (and, with the rooms issue, who is live).
import { Elysia } from 'elysia';
import { homePage } from '../../views/home.page';
import { htmlResponse } from '../web/html';
import { pageContext } from '../web/page-context';

export const homeRoutes = () => new Elysia({ name: 'home' }).get('/', ({ request }) => htmlResponse(homePage(pageContext(request))));
