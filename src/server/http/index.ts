export { createHttpHandler, HTTP_BODY_LIMIT_BYTES, type HttpDeps } from './handler';
