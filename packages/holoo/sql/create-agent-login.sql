/*
  Chaharsu branch agent: a least-privilege SQL Server login on the Holoo instance.
  See packages/holoo/README.md ("SQL login of the agent").

  WHO RUNS IT: a member of the sysadmin server role (sa, or a Windows administrator the instance
  maps to sysadmin). CREATE LOGIN / ALTER LOGIN need ALTER ANY LOGIN; creating users, tables, role
  memberships and GRANTs in each company database need db_owner there. sysadmin covers both.

  HOW: with sqlcmd variables (the agent generates the password; nothing in this file is edited):
    sqlcmd -S .\TNC -E -b -v AgentLogin="chaharsu_agent" AgentPassword="<generated>" -i create-agent-login.sql

  WHAT IT DOES, idempotently (run it again after Holoo creates a new fiscal-year database; running it
  again with another password rotates the password):
    1. the login (SQL authentication, password policy on, no expiry: a service cannot answer prompts);
    2. in every ONLINE database that has dbo.ARTICLE (a Holoo company / fiscal year):
       - a user for the login,
       - the agent-owned tables ChaharsuAppliedCommand and ChaharsuChangeLog (exactly-once record and
         per-change log; the same DDL as packages/holoo/src/dialect.mssql.ts),
       - db_datareader (reads for the catalog mirror),
       - VIEW DEFINITION (without it INFORMATION_SCHEMA.COLUMNS shows no column defaults and the agent
         would fill defaulted NOT NULL columns with zeros instead of Holoo's defaults),
       - INSERT/UPDATE only where the panel's commands write, and SELECT/INSERT on the agent's tables;
    3. in msdb: a user with SELECT on dbo.backupset only (the health report's "last backup").
    The agent's login is NOT given db_datawriter, DELETE, ALTER, or any server role.
*/
SET NOCOUNT ON;
SET XACT_ABORT ON;

DECLARE @login sysname = N'$(AgentLogin)';
DECLARE @password nvarchar(128) = N'$(AgentPassword)';

-- RAISERROR + RETURN (not THROW) so the script also runs on the SQL Server 2008 R2 of old Holoo installs.
-- The password comes from the agent's generator (letters, digits, - and _), never containing a quote.
IF @login NOT LIKE N'[A-Za-z]%' OR @login LIKE N'%[^A-Za-z0-9_]%'
BEGIN
  RAISERROR(N'AgentLogin must be letters, digits and _ only', 16, 1);
  RETURN;
END
IF LEN(@password) < 16
BEGIN
  RAISERROR(N'AgentPassword must be at least 16 characters', 16, 1);
  RETURN;
END

IF SUSER_ID(@login) IS NULL
  EXEC (N'CREATE LOGIN ' + QUOTENAME(@login) + N' WITH PASSWORD = ' + QUOTENAME(@password, '''') + N', CHECK_POLICY = ON, CHECK_EXPIRATION = OFF, DEFAULT_DATABASE = [master]');
ELSE
  EXEC (N'ALTER LOGIN ' + QUOTENAME(@login) + N' WITH PASSWORD = ' + QUOTENAME(@password, '''') + N'; ALTER LOGIN ' + QUOTENAME(@login) + N' ENABLE');

DECLARE @db sysname, @exec nvarchar(400), @stmt nvarchar(max);
DECLARE companies CURSOR LOCAL FAST_FORWARD FOR
  SELECT name FROM sys.databases
  WHERE database_id > 4 AND state_desc = 'ONLINE' AND is_read_only = 0
    AND OBJECT_ID(QUOTENAME(name) + N'.dbo.ARTICLE', N'U') IS NOT NULL;
OPEN companies;
FETCH NEXT FROM companies INTO @db;
WHILE @@FETCH_STATUS = 0
BEGIN
  PRINT N'Holoo company database: ' + @db;
  -- <database>.sys.sp_executesql runs each statement inside that database.
  SET @exec = QUOTENAME(@db) + N'.sys.sp_executesql';

  SET @stmt = N'IF USER_ID(@login) IS NULL EXEC (N''CREATE USER '' + QUOTENAME(@login) + N'' FOR LOGIN '' + QUOTENAME(@login));';
  EXEC @exec @stmt, N'@login sysname', @login = @login;

  EXEC @exec N'IF OBJECT_ID(N''[dbo].[ChaharsuAppliedCommand]'', N''U'') IS NULL
CREATE TABLE [dbo].[ChaharsuAppliedCommand] (
  [command_id] uniqueidentifier NOT NULL CONSTRAINT [PK_ChaharsuAppliedCommand] PRIMARY KEY,
  [command_kind] nvarchar(100) NOT NULL,
  [outcome] varchar(10) NOT NULL,
  [result] nvarchar(max) NOT NULL,
  [requested_by] nvarchar(200) NOT NULL,
  [applied_at] datetime NOT NULL CONSTRAINT [DF_ChaharsuAppliedCommand_applied_at] DEFAULT (GETDATE())
)';

  EXEC @exec N'IF OBJECT_ID(N''[dbo].[ChaharsuChangeLog]'', N''U'') IS NULL
CREATE TABLE [dbo].[ChaharsuChangeLog] (
  [change_id] bigint IDENTITY(1,1) NOT NULL CONSTRAINT [PK_ChaharsuChangeLog] PRIMARY KEY,
  [command_id] uniqueidentifier NOT NULL,
  [requested_by] nvarchar(200) NOT NULL,
  [table_name] varchar(30) NOT NULL,
  [row_key] nvarchar(50) NOT NULL,
  [change_kind] varchar(20) NOT NULL,
  [before_json] nvarchar(max) NULL,
  [after_json] nvarchar(max) NULL,
  [changed_at] datetime NOT NULL CONSTRAINT [DF_ChaharsuChangeLog_changed_at] DEFAULT (GETDATE())
)';

  SET @stmt = N'
    EXEC sp_addrolemember N''db_datareader'', @login;
    DECLARE @who nvarchar(300) = QUOTENAME(@login);
    EXEC (N''GRANT VIEW DEFINITION TO '' + @who);
    EXEC (N''GRANT INSERT, UPDATE ON [dbo].[ARTICLE] TO '' + @who);
    EXEC (N''GRANT INSERT, UPDATE ON [dbo].[M_GROUP] TO '' + @who);
    EXEC (N''GRANT INSERT, UPDATE ON [dbo].[S_GROUP] TO '' + @who);
    IF OBJECT_ID(N''[dbo].[FACTURE]'', N''U'') IS NOT NULL EXEC (N''GRANT INSERT ON [dbo].[FACTURE] TO '' + @who);
    IF OBJECT_ID(N''[dbo].[FACTART]'', N''U'') IS NOT NULL EXEC (N''GRANT INSERT ON [dbo].[FACTART] TO '' + @who);
    IF OBJECT_ID(N''[dbo].[FBAILPRE]'', N''U'') IS NOT NULL EXEC (N''GRANT INSERT ON [dbo].[FBAILPRE] TO '' + @who);
    IF OBJECT_ID(N''[dbo].[ABAILPRE]'', N''U'') IS NOT NULL EXEC (N''GRANT INSERT ON [dbo].[ABAILPRE] TO '' + @who);
    EXEC (N''GRANT SELECT, INSERT ON [dbo].[ChaharsuAppliedCommand] TO '' + @who);
    EXEC (N''GRANT SELECT, INSERT ON [dbo].[ChaharsuChangeLog] TO '' + @who);';
  EXEC @exec @stmt, N'@login sysname', @login = @login;

  FETCH NEXT FROM companies INTO @db;
END
CLOSE companies;
DEALLOCATE companies;

-- The "last backup" of the agent's health (spec E3): read-only access to the backup history, nothing else in msdb.
SET @stmt = N'IF USER_ID(@login) IS NULL EXEC (N''CREATE USER '' + QUOTENAME(@login) + N'' FOR LOGIN '' + QUOTENAME(@login));
  EXEC (N''GRANT SELECT ON [dbo].[backupset] TO '' + QUOTENAME(@login));';
EXEC msdb.sys.sp_executesql @stmt, N'@login sysname', @login = @login;
PRINT N'Done. The agent connects as ' + @login + N' (SQL authentication; the instance must allow mixed mode).';
