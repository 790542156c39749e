<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../app/ui/messages.py" line="16"/>
        <source>Account {0} does not exist.</source>
        <translation>账户 {0} 不存在。</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="18"/>
        <source>Account {0} is closed; this operation is not allowed.</source>
        <translation>账户 {0} 已销户，不能进行此操作。</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="20"/>
        <source>The amount is not valid: {0}</source>
        <translation>金额无效：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="22"/>
        <source>You do not have permission for this operation.</source>
        <translation>您没有执行此操作的权限。</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="25"/>
        <source>Unexpected error: {0}</source>
        <translation>意外错误：{0}</translation>
    </message>
</context>
<context>
    <name>AccountTableModel</name>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="29"/>
        <source>Room</source>
        <translation>房间号</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="30"/>
        <source>Name</source>
        <translation>房间名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="31"/>
        <source>Tenant</source>
        <translation>商户/住户</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="32"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="33"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="34"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="35"/>
        <source>Subsidy</source>
        <translation>补助</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="36"/>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="39"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="40"/>
        <source>Suspended</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/ui/table_models/accounts.py" line="41"/>
        <source>Closed</source>
        <translation>已销户</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="99"/>
        <source>Unified Water &amp; Power Prepaid Billing Platform</source>
        <translation>水电统一收费监管平台</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="105"/>
        <source>Rooms &amp; balances</source>
        <translation>房间/账户</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="116"/>
        <source>Operator: {0}</source>
        <translation>操作员：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="117"/>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
</context>
<context>
    <name>RoomsPage</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="39"/>
        <source>Search room, tenant, phone or initials</source>
        <translation>搜索房间号、商户名、电话或拼音首字母</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="66"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="80"/>
        <source>{0} accounts · total balance {1} · {2} low · {3} in arrears</source>
        <translation>共 {0} 户 · 余额合计 {1} · 余额不足 {2} 户 · 欠费 {3} 户</translation>
    </message>
</context>
</TS>
