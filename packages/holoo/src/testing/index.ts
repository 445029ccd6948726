/** Test helpers of @chaharsu/holoo: a SQL Server "driver" that records compiled statements instead of sending them. */
export { recordingMssql, type RecordedStatement, type Responder } from './recording-mssql.js';
export { fakeInformationSchema } from './fake-information-schema.js';
