/**
 * The demo organization's people and structure (deterministic). Messages live in demo-messages.ts.
 * Accounts relied on by tests: admin, zhangwei (张伟), lina (李娜), emily.carter (Emily Carter),
 * wang.guest (王总 of 云帆物流, an outside contact), wangfang (restricted view), liuyang / qinlang (hidden).
 * Employee ids (SR0001…), mobiles and e-mails are derived from the order below (seed-demo.ts).
 */
import type { GroupSummary } from '@shared/contract';

type GroupType = GroupSummary['type'];

export const DEMO_ORG = { slug: 'demo', name: '星河科技', nameEn: 'Starriver Tech' } as const;
export const DEMO_PASSWORD = 'muster-demo';
export const ALL_HANDS_GROUP_NAME = '全员群 All hands';

export interface DemoDepartment {
  key: string;
  parent: string | null;
  name: string;
  nameEn: string;
  /** Account of the department head. */
  head: string | null;
}

// Depth: 总部 HQ > 研发中心 R&D Center > 前端组 Frontend (three levels).
export const DEPARTMENTS: readonly DemoDepartment[] = [
  { key: 'hq', parent: null, name: '总部', nameEn: 'Headquarters', head: 'chenjianguo' },
  { key: 'ceo', parent: 'hq', name: '总经办', nameEn: "CEO's Office", head: 'chenjianguo' },
  { key: 'rd', parent: 'hq', name: '研发中心', nameEn: 'R&D Center', head: 'zhangwei' },
  { key: 'fe', parent: 'rd', name: '前端组', nameEn: 'Frontend', head: 'lina' },
  { key: 'be', parent: 'rd', name: '后端组', nameEn: 'Backend', head: 'zhaomin' },
  { key: 'qa', parent: 'rd', name: '测试组', nameEn: 'QA', head: 'zhuli' },
  { key: 'product', parent: 'hq', name: '产品部', nameEn: 'Product', head: 'linfeng' },
  { key: 'mkt', parent: 'hq', name: '市场部', nameEn: 'Marketing', head: 'liangwei' },
  { key: 'east', parent: 'mkt', name: '华东区', nameEn: 'East China', head: 'songjia' },
  { key: 'south', parent: 'mkt', name: '华南区', nameEn: 'South China', head: 'dengchao' },
  { key: 'hr', parent: 'hq', name: '人事行政部', nameEn: 'HR & Admin', head: 'xuting' },
  { key: 'fin', parent: 'hq', name: '财务部', nameEn: 'Finance', head: 'yuanli' },
  // Outside contacts (guests) sit here; guests never count for department groups.
  { key: 'ext', parent: 'hq', name: '外部联系人', nameEn: 'External Contacts', head: 'liangwei' },
];

export interface DemoMember {
  account: string;
  name: string;
  nameEn: string;
  title: string;
  dept: string;
  role: 'super_admin' | 'dept_head' | 'employee';
  hidden?: boolean;
  /** Sees only the members of their own departments; never auto-added to department groups. */
  restrictedView?: boolean;
  /** An outside contact: only ever in external or training groups. */
  kind?: 'employee' | 'guest';
}

const head = (account: string, name: string, nameEn: string, title: string, dept: string): DemoMember => ({
  account, name, nameEn, title, dept, role: 'dept_head',
});
const staff = (account: string, name: string, nameEn: string, title: string, dept: string, hidden = false): DemoMember => ({
  account, name, nameEn, title, dept, role: 'employee', ...(hidden ? { hidden } : {}),
});

export const MEMBERS: readonly DemoMember[] = [
  { account: 'admin', name: '系统管理员', nameEn: 'System Administrator', title: '系统管理员 IT Administrator', dept: 'hq', role: 'super_admin' },
  head('chenjianguo', '陈建国', 'Chen Jianguo', '首席执行官 CEO', 'ceo'),
  { ...staff('wangfang', '王芳', 'Wang Fang', '总经理助理', 'ceo'), restrictedView: true },
  // Hidden members: not listed in the directory, never auto-added to department groups.
  staff('liuyang', '刘洋', 'Liu Yang', '董事', 'ceo', true),
  staff('qinlang', '秦朗', 'Qin Lang', '法律顾问', 'ceo', true),
  head('zhangwei', '张伟', 'Zhang Wei', '研发总监', 'rd'),
  head('lina', '李娜', 'Li Na', '前端组长', 'fe'),
  staff('liuqiang', '刘强', 'Liu Qiang', '高级前端工程师', 'fe'),
  staff('chenjing', '陈静', 'Chen Jing', '前端工程师', 'fe'),
  staff('yanglei', '杨磊', 'Yang Lei', '桌面端工程师', 'fe'),
  head('zhaomin', '赵敏', 'Zhao Min', '后端组长', 'be'),
  staff('huangtao', '黄涛', 'Huang Tao', '高级后端工程师', 'be'),
  staff('wuhao', '吴昊', 'Wu Hao', '后端工程师', 'be'),
  staff('sunli', '孙丽', 'Sun Li', '数据库工程师', 'be'),
  staff('machao', '马超', 'Ma Chao', '运维工程师', 'be'),
  staff('david.miller', 'David Miller', 'David Miller', 'Software Architect 软件架构师', 'be'),
  head('zhuli', '朱丽', 'Zhu Li', '测试组长', 'qa'),
  staff('guopeng', '郭鹏', 'Guo Peng', '测试工程师', 'qa'),
  staff('hexue', '何雪', 'He Xue', '测试工程师', 'qa'),
  head('linfeng', '林峰', 'Lin Feng', '产品总监', 'product'),
  staff('zhengting', '郑婷', 'Zheng Ting', '高级产品经理', 'product'),
  staff('gaoyuan', '高远', 'Gao Yuan', '产品经理', 'product'),
  staff('emily.carter', 'Emily Carter', 'Emily Carter', 'Senior UX Designer 高级交互设计师', 'product'),
  staff('luolin', '罗琳', 'Luo Lin', 'UI 设计师', 'product'),
  head('liangwei', '梁伟', 'Liang Wei', '市场总监', 'mkt'),
  head('songjia', '宋佳', 'Song Jia', '华东区经理', 'east'),
  staff('tangning', '唐宁', 'Tang Ning', '销售经理', 'east'),
  staff('hanmei', '韩梅', 'Han Mei', '客户经理', 'east'),
  staff('fengliang', '冯亮', 'Feng Liang', '销售代表', 'east'),
  head('dengchao', '邓超', 'Deng Chao', '华南区经理', 'south'),
  staff('caoying', '曹颖', 'Cao Ying', '销售经理', 'south'),
  staff('pengfei', '彭飞', 'Peng Fei', '销售代表', 'south'),
  staff('michael.brown', 'Michael Brown', 'Michael Brown', 'Overseas Sales Manager 海外销售经理', 'south'),
  head('xuting', '许婷', 'Xu Ting', '人力资源总监', 'hr'),
  staff('jiangmin', '蒋敏', 'Jiang Min', '招聘专员', 'hr'),
  staff('shenjie', '沈洁', 'Shen Jie', '行政专员', 'hr'),
  head('yuanli', '袁丽', 'Yuan Li', '财务经理', 'fin'),
  staff('qiancheng', '钱程', 'Qian Cheng', '会计', 'fin'),
  staff('sarah.johnson', 'Sarah Johnson', 'Sarah Johnson', 'Financial Analyst 财务分析师', 'fin'),
  {
    account: 'wang.guest', name: '王总', nameEn: 'Mr. Wang', title: '云帆物流 总经理 General Manager, Yunfan Logistics', dept: 'ext',
    role: 'employee', kind: 'guest',
  },
];

/** Groups other than department groups (those are derived from the tree, see seed-demo.ts). */
export interface DemoGroup {
  key: string;
  name: string;
  type: GroupType;
  owner: string;
  admins: readonly string[];
  /** 'everyone' (every employee: guests never join internal groups) or explicit accounts (owner and admins are added automatically). */
  members: 'everyone' | readonly string[];
  /** 群公告: text and the account that posted it. */
  announcement?: { text: string; by: string };
  /** Join settings other than the defaults (no verification, not searchable). */
  join?: { verification: 'none' | 'approval' | 'real_name' | 'face'; searchable: boolean };
  /** Join requests waiting for the owner or an admin (accounts not in the group). */
  joinRequests?: readonly { by: string; message: string }[];
}

export const GROUPS: readonly DemoGroup[] = [
  { key: 'all', name: ALL_HANDS_GROUP_NAME, type: 'internal', owner: 'chenjianguo', admins: ['admin', 'xuting'], members: 'everyone' },
  {
    key: 'project',
    name: 'Muster 2.0 项目组 Project',
    type: 'internal',
    owner: 'zhangwei',
    admins: ['lina', 'linfeng'],
    members: ['zhaomin', 'huangtao', 'david.miller', 'zhuli', 'guopeng', 'emily.carter', 'zhengting', 'machao'],
    announcement: {
      by: 'zhangwei',
      text:
        '📌 Muster 2.0 里程碑：本周五代码冻结，下周一发布候选版本。需求变更请先在周会上提出。\n' +
        'Milestone: code freeze this Friday, release candidate next Monday. Raise scope changes at the weekly meeting first.',
    },
  },
  {
    key: 'yunfan',
    name: '星河 × 云帆物流 对接群 Starriver × Yunfan Logistics',
    type: 'external',
    owner: 'liangwei',
    admins: ['songjia'],
    members: ['tangning', 'hanmei', 'linfeng', 'zhaomin', 'michael.brown', 'wang.guest'],
  },
  {
    key: 'onboarding',
    name: '新员工培训 Onboarding Training',
    type: 'training',
    owner: 'xuting',
    admins: ['jiangmin'],
    members: ['lina', 'machao', 'yuanli', 'pengfei', 'luolin', 'hexue'],
  },
  {
    // Listed in the group directory; joining needs an admin's approval, and one request is waiting.
    key: 'techtalk',
    name: '技术分享会 Tech Talks',
    type: 'internal',
    owner: 'zhaomin',
    admins: ['lina'],
    members: ['huangtao', 'david.miller', 'guopeng'],
    join: { verification: 'approval', searchable: true },
    joinRequests: [{ by: 'chenjing', message: '想参加下期前端性能专题 / I would like to join the next frontend performance talk' }],
  },
];
